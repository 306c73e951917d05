/**
 * The exporter's thread (docs/telemetry.md, "What it costs"): it runs one OTLP pipeline
 * at a time, as the request thread starts and stops them, reads the runs of closed traces the
 * request thread posts (trace-notes.ts), builds their spans and counts their metrics
 * (closed-trace.ts), and runs the pipeline as it would run anywhere: encoding, batching, the
 * timers and the sending (otlp-pipeline.ts). Its log lines are relayed to the proxy's logger.
 * Started by otlp-thread.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ExporterScheduling, ExporterSettings } from '../exporter-settings.js';
import { settleTrace } from './closed-trace.js';
import { GenAiMetrics } from './gen-ai-metrics.js';
import { runOnlyWhenIdle } from './idle-scheduling.js';
import { OtlpPipeline } from './otlp-pipeline.js';
import type { ExportLog } from './otlp-sender.js';
import { NotesReader, type NotesRun } from './trace-notes.js';

/** What a pipeline is started with. */
export interface PipelineSetup {
  otlp: NonNullable<ExporterSettings['otlp']>;
  serviceName: string;
  metricIntervalMs: number;
  env: Record<string, string | undefined>;
  /** Traces settled so far, counted up here and read by the request thread (Int32Array of one). */
  settled: SharedArrayBuffer;
}

/** Messages to the exporter's thread. */
export type ToWorker =
  | { kind: 'start'; setup: PipelineSetup }
  | ({ kind: 'run' } & NotesRun)
  | { kind: 'flush'; id: number }
  | { kind: 'shutdown'; id: number };

/** What the thread is started with (its `workerData`). */
export interface ThreadSetup {
  scheduling: ExporterScheduling;
}

/**
 * Messages from it: the thread is up (in the idle scheduling class, or why not); a pipeline
 * started (or not); a flush or shutdown done.
 */
export type FromWorker =
  | { kind: 'up'; idle: boolean; why?: string }
  | { kind: 'started' }
  | { kind: 'failed'; message: string }
  | { kind: 'log'; level: keyof ExportLog; fields: object; msg: string }
  | { kind: 'flushed'; id: number }
  | { kind: 'closed'; id: number };

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const relay = (level: keyof ExportLog) => (fields: object, msg: string) => post({ kind: 'log', level, fields, msg });
const log: ExportLog = { info: relay('info'), warn: relay('warn'), error: relay('error') };

/** The pipeline running now, with what it settles runs through. */
interface Running {
  pipeline: OtlpPipeline;
  metrics: GenAiMetrics;
  reader: NotesReader;
  settled: Int32Array;
}
let running: Running | undefined;

function start(setup: PipelineSetup): void {
  try {
    const pipeline = new OtlpPipeline(setup.otlp, setup.serviceName, setup.metricIntervalMs, log, setup.env);
    running = {
      pipeline,
      metrics: new GenAiMetrics(pipeline),
      // A new reader for a new writer: what repeats is counted from the pipeline's first trace.
      reader: new NotesReader(setup.otlp.protocol === 'http/json'),
      settled: new Int32Array(setup.settled),
    };
    post({ kind: 'started' });
  } catch (err) {
    post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
}

// Each batch goes to the sender as soon as it is full, while the run is still being read: the
// pipeline counts spans against OTEL_BSP_MAX_QUEUE_SIZE until they are handed over, and a run of
// 1,024 traces can hold more spans than a queue set small.
function settle(r: Running, run: NotesRun): void {
  r.reader.read(run, (trace) => {
    settleTrace(trace, r.pipeline, r.metrics);
    r.pipeline.sendFull();
  });
  Atomics.add(r.settled, 0, run.count);
}

port.on('message', (m: ToWorker) => {
  if (m.kind === 'start') return start(m.setup);
  const r = running;
  if (m.kind === 'run') {
    if (r) settle(r, m);
  } else if (m.kind === 'flush') {
    void (r?.pipeline.flush() ?? Promise.resolve()).finally(() => post({ kind: 'flushed', id: m.id }));
  } else {
    running = undefined;
    void (r?.pipeline.shutdown() ?? Promise.resolve()).finally(() => post({ kind: 'closed', id: m.id }));
  }
});
// Lowered before anything is exported, so no export runs in the normal class.
const wanted = (workerData as ThreadSetup).scheduling;
const notIdle = wanted === 'idle' ? await runOnlyWhenIdle() : undefined;
post({ kind: 'up', idle: wanted === 'idle' && notIdle === undefined, ...(notIdle ? { why: notIdle } : {}) });
