/**
 * Explicit-bucket histograms aggregated here, cumulatively, one series per attribute set, for the
 * OTLP path: a record is a map lookup on a key the caller already has and a bucket increment,
 * where the SDK would hash the attribute object on every record. At most 2,000 series per
 * histogram (the SDK's default cardinality limit); beyond it, values go to one series marked
 * `otel.metric.overflow`, as the SDK does.
 */
import type { Attrs } from './attributes.js';

const MAX_SERIES = 2000;
const OVERFLOW_KEY = '\u0000overflow';

/** One series: its attributes and what it has counted since the histogram started. */
export interface HistogramSeries {
  attributes: Attrs;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Counts per bucket: `bounds.length + 1` of them, the last above the last bound. */
  buckets: Float64Array;
}

/** A histogram's definition. */
export interface HistogramDefinition {
  name: string;
  unit: string;
  description: string;
  bounds: readonly number[];
}

/** One histogram and its series. */
export class Histogram {
  private readonly series = new Map<string, HistogramSeries>();

  constructor(readonly definition: HistogramDefinition) {}

  /**
   * Counts `value` in the series named `key`; `attributes` makes that series' attributes the
   * first time it is seen (the same key must always mean the same attributes).
   */
  record(value: number, key: string, attributes: () => Attrs): void {
    this.count(this.seriesFor(key, attributes), value);
  }

  /**
   * The series named `key` (see `record`), for a caller that keeps it and counts into it again
   * (`count`): past the series limit, the overflow series.
   */
  seriesFor(key: string, attributes: () => Attrs): HistogramSeries {
    let s = this.series.get(key);
    if (s) return s;
    const overflow = this.series.size >= MAX_SERIES;
    s = overflow ? this.series.get(OVERFLOW_KEY) : undefined;
    if (s) return s;
    s = {
      attributes: overflow ? { 'otel.metric.overflow': true } : attributes(),
      count: 0,
      sum: 0,
      min: Infinity,
      max: -Infinity,
      buckets: new Float64Array(this.definition.bounds.length + 1),
    };
    this.series.set(overflow ? OVERFLOW_KEY : key, s);
    return s;
  }

  /** Counts `value` in `s`, one of this histogram's series. */
  count(s: HistogramSeries, value: number): void {
    const { bounds } = this.definition;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] ?? Infinity)) i++;
    s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    s.count++;
    s.sum += value;
    if (value < s.min) s.min = value;
    if (value > s.max) s.max = value;
  }

  /** How many series have a value. */
  get size(): number {
    return this.series.size;
  }

  /** The series with at least one value. */
  snapshot(): HistogramSeries[] {
    return [...this.series.values()];
  }
}
