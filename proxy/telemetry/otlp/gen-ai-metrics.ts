/**
 * The two GenAI histograms on the OTLP path (docs/telemetry.md, "What is sent"). A request's
 * duration series and its two token series differ only in `gen_ai.token.type`, so the three are
 * kept together under the key of their attribute set (request-attributes.ts, `metricSeriesKey`):
 * a request whose set is the one before's takes them without building the key, another finds
 * them with one map lookup (a set's first requests, and sets past MAX_SETS, look them up in the
 * histograms too).
 */
import type { AnswerMeta } from '../gen-ai.js';
import {
  DURATION_BUCKETS,
  OPERATION_DURATION,
  TOKEN_BUCKETS,
  TOKEN_USAGE,
  metricAttributes,
  metricSeriesKey,
} from '../request-attributes.js';
import type { ClosedRequest } from '../telemetry.js';
import type { Histogram, HistogramSeries } from './histograms.js';
import type { OtlpPipeline } from './otlp-pipeline.js';

interface SeriesOfSet {
  key: string;
  duration: HistogramSeries;
  input: HistogramSeries | undefined;
  output: HistogramSeries | undefined;
}

// Attribute sets remembered: above each histogram's own series limit, so that every series it
// keeps is found here; past it, a request looks its series up in the histograms again.
const MAX_SETS = 4096;

/** `gen_ai.client.operation.duration` and `gen_ai.client.token.usage`, exported by `pipeline`. */
export class GenAiMetrics {
  private readonly tokens: Histogram;
  private readonly duration: Histogram;
  private readonly sets = new Map<string, SeriesOfSet>();
  // The attribute values of the last request counted, and its series.
  private lastOperation = '';
  private lastModel: string | undefined = undefined;
  private lastResponseModel: string | undefined = undefined;
  private lastTarget: string | undefined = undefined;
  private lastErrorType: string | undefined = undefined;
  private lastSet: SeriesOfSet | undefined = undefined;

  constructor(pipeline: OtlpPipeline) {
    this.tokens = pipeline.histogram({ ...TOKEN_USAGE, bounds: TOKEN_BUCKETS });
    this.duration = pipeline.histogram({ ...OPERATION_DURATION, bounds: DURATION_BUCKETS });
  }

  /** Counts a closed model operation: its duration and, when the answer had usage, its tokens. */
  record(done: ClosedRequest, meta: AnswerMeta, operation: string, errorType: string | undefined): void {
    const { acc } = done;
    const set =
      this.lastSet &&
      this.lastOperation === operation &&
      this.lastModel === acc.model &&
      this.lastResponseModel === meta.responseModel &&
      this.lastTarget === acc.target &&
      this.lastErrorType === errorType
        ? this.lastSet
        : this.lookUp(done, meta, operation, errorType);
    this.duration.count(set.duration, done.latencyMs / 1000);
    const { tokens } = acc;
    if (!tokens) return;
    set.input ??= this.tokenSeries(set.key, 'input', done, meta, operation, errorType);
    set.output ??= this.tokenSeries(set.key, 'output', done, meta, operation, errorType);
    this.tokens.count(set.input, tokens.prompt);
    this.tokens.count(set.output, tokens.completion);
  }

  // The token series of an attribute set for one `gen_ai.token.type`.
  private tokenSeries(
    key: string,
    type: 'input' | 'output',
    done: ClosedRequest,
    meta: AnswerMeta,
    operation: string,
    errorType: string | undefined,
  ): HistogramSeries {
    return this.tokens.seriesFor(`${key}\u0001${type}`, () => ({
      ...metricAttributes(done, meta, operation, errorType),
      'gen_ai.token.type': type,
    }));
  }

  private lookUp(done: ClosedRequest, meta: AnswerMeta, operation: string, errorType: string | undefined): SeriesOfSet {
    const key = metricSeriesKey(done, meta, operation, errorType);
    let set = this.sets.get(key);
    if (!set) {
      set = {
        key,
        duration: this.duration.seriesFor(key, () => metricAttributes(done, meta, operation, errorType)),
        input: undefined,
        output: undefined,
      };
      if (this.sets.size < MAX_SETS) this.sets.set(key, set);
    }
    this.lastOperation = operation;
    this.lastModel = done.acc.model;
    this.lastResponseModel = meta.responseModel;
    this.lastTarget = done.acc.target;
    this.lastErrorType = errorType;
    this.lastSet = set;
    return set;
  }
}
