/**
 * The request thread's side of the OTLP exporter (docs/telemetry.md, "What it costs").
 * `ExporterThread` is the exporter's thread (otlp-worker.ts): started when telemetry is first
 * switched on and kept, idle, while it is off, so that switching it on again or changing the
 * collector does not pay a new thread's start and the compiling of its code again. `OtlpThread`
 * is one pipeline running there: closed traces are written into runs (trace-notes.ts) and each
 * full run is posted, its buffers transferred; a run that is not full leaves within a second.
 * Traces the thread has not settled are bounded as OpenTelemetry bounds its span queue (2,048):
 * past that, closed traces are dropped and counted until it is back under half of it and a run
 * fits. If the thread dies, it is logged, telemetry switches itself off (telemetry.ts) and
 * requests are served as before.
 */
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import { spanQueueSize, type ExporterScheduling, type ExporterSettings } from '../exporter-settings.js';
import type { ClosedRequest } from '../telemetry.js';
import type { ClosedTraceSink } from './otlp-trace.js';
import type { FromWorker, PipelineSetup, ThreadSetup, ToWorker } from './otlp-worker.js';
import { NotesWriter, type NotesRun, type TraceNotes } from './trace-notes.js';

/** The exporter's thread's name (at most 15 characters: Linux cuts a thread's name there). */
export const EXPORTER_THREAD_NAME = 'otlp-exporter';

// How long a run that is not full may wait for more traces.
const POST_EVERY_MS = 1000;
// Shutting a pipeline down waits for the sender's last tries (five seconds at most, otlp-sender.ts).
const SHUTDOWN_WAIT_MS = 8000;

type Answer = Extract<FromWorker, { kind: 'started' | 'failed' | 'flushed' | 'closed' }>;

/** The exporter's thread. */
export class ExporterThread {
  private live = true;
  private terminating = false;
  private questions = 0;
  // Who waits for the thread's answer: the start of a pipeline, or a flush or shutdown by id.
  private readonly waiting = new Map<string | number, (answer: Answer | undefined) => void>();

  private constructor(
    private readonly worker: Worker,
    private readonly log: FastifyBaseLogger,
    /** Called once if the thread dies. */
    private readonly onDeath: () => void,
  ) {
    worker.on('message', (m: FromWorker) => this.heard(m));
    worker.on('error', (err) => {
      this.log.error({ err }, 'the telemetry exporter thread failed; telemetry is dropped until it is reconfigured');
      this.died();
    });
    worker.on('exit', (code) => {
      if (this.live && !this.terminating)
        this.log.error(
          { code },
          'the telemetry exporter thread stopped; telemetry is dropped until it is reconfigured',
        );
      this.died();
    });
    // Like the exporter's timers, the thread never keeps the process alive by itself; it is held
    // while a pipeline sends its last exports (stopPipeline).
    worker.unref();
  }

  /**
   * Starts the thread, in the idle scheduling class unless `scheduling` says normal
   * (idle-scheduling.ts); rejects when it could not start.
   */
  static async spawn(
    log: FastifyBaseLogger,
    onDeath: () => void = () => undefined,
    scheduling: ExporterScheduling = 'idle',
  ): Promise<ExporterThread> {
    // Named, so that `top -H`, /proc/<pid>/task/*/comm and the telemetry benchmark can tell it.
    const workerData: ThreadSetup = { scheduling };
    const worker = new Worker(new URL('./otlp-worker.js', import.meta.url), { name: EXPORTER_THREAD_NAME, workerData });
    await new Promise<void>((resolve, reject) => {
      const settle = () => {
        worker.off('message', up);
        worker.off('error', failed);
        worker.off('exit', exited);
      };
      const up = (m: FromWorker) => {
        if (m.kind !== 'up') return;
        settle();
        if (m.idle) log.info({}, 'the telemetry exporter thread runs on idle CPU time (SCHED_IDLE)');
        else if (m.why)
          log.warn(
            { why: m.why },
            'the telemetry exporter thread could not be put in the idle scheduling class; it competes with requests for CPU',
          );
        else
          log.info(
            {},
            'the telemetry exporter thread competes with requests for CPU (OTLP_EXPORTER_SCHEDULING=normal)',
          );
        resolve();
      };
      const failed = (err: Error) => {
        settle();
        reject(err);
      };
      const exited = (code: number) => failed(new Error(`the exporter's thread exited with code ${code}`));
      worker.on('message', up);
      worker.on('error', failed);
      worker.on('exit', exited);
    });
    return new ExporterThread(worker, log, onDeath);
  }

  /** False once the thread has died or was stopped. */
  get alive(): boolean {
    return this.live;
  }

  private heard(m: FromWorker): void {
    if (m.kind === 'log') this.log[m.level](m.fields, m.msg);
    else if (m.kind === 'flushed' || m.kind === 'closed') this.answered(m.id, m);
    else if (m.kind === 'started' || m.kind === 'failed') this.answered('start', m);
  }

  private answered(key: string | number, answer: Answer): void {
    const resolve = this.waiting.get(key);
    this.waiting.delete(key);
    resolve?.(answer);
  }

  private died(): void {
    if (!this.live) return;
    this.live = false;
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
    if (!this.terminating) this.onDeath();
  }

  // Posts `m` and resolves with the thread's answer under `key` (undefined when it is gone).
  private ask(m: ToWorker, key: string | number): Promise<Answer | undefined> {
    if (!this.live) return Promise.resolve(undefined);
    const answered = new Promise<Answer | undefined>((resolve) => this.waiting.set(key, resolve));
    this.worker.postMessage(m);
    return answered;
  }

  /** Starts a pipeline on the thread; rejects when it could not start. */
  async startPipeline(setup: PipelineSetup): Promise<void> {
    const answer = await this.ask({ kind: 'start', setup }, 'start');
    if (answer?.kind !== 'started')
      throw new Error(answer?.kind === 'failed' ? answer.message : "the exporter's thread is gone");
  }

  /** Posts a run of closed traces, its buffers transferred. */
  post(run: NotesRun): void {
    if (!this.live) return;
    const m: ToWorker = { kind: 'run', ...run };
    this.worker.postMessage(m, [run.numbers.buffer, run.ids.buffer]);
  }

  /** Resolves when the pipeline has sent everything it was given. */
  async flush(): Promise<void> {
    const id = ++this.questions;
    await this.ask({ kind: 'flush', id }, id);
  }

  /**
   * Stops the pipeline, letting it send what it can (SHUTDOWN_WAIT_MS at most); the thread
   * stays. The process is kept alive meanwhile, as the exporter's own sockets kept it when it
   * ran on the request thread.
   */
  async stopPipeline(): Promise<void> {
    const id = ++this.questions;
    let timeout: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timeout = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    this.worker.ref();
    try {
      await Promise.race([this.ask({ kind: 'shutdown', id }, id), gaveUp]);
    } finally {
      clearTimeout(timeout);
      this.waiting.delete(id);
      this.worker.unref();
    }
  }

  /** Stops the thread (its pipeline stopped first). */
  async terminate(): Promise<void> {
    this.terminating = true;
    await this.worker.terminate();
  }
}

/** One OTLP pipeline running on the exporter's thread. */
export class OtlpThread implements ClosedTraceSink {
  private readonly writer = new NotesWriter();
  private readonly timer: NodeJS.Timeout;
  private readonly settled = new Int32Array(new SharedArrayBuffer(4));
  // Traces posted, and settled by the thread (counted there, in shared memory): both counts wrap
  // at 2^32 alike, so their difference is taken in 32-bit arithmetic.
  private posted = 0;
  private dropping = false;
  private stopped = false;
  /** Closed traces dropped because the thread was too far behind. */
  droppedTraces = 0;

  private constructor(
    private readonly thread: ExporterThread,
    private readonly log: FastifyBaseLogger,
    private readonly maxBehind: number,
  ) {
    this.timer = setInterval(() => this.postRun(), POST_EVERY_MS).unref();
  }

  /** Starts a pipeline for `settings` on `thread`; rejects when it could not start. */
  static async start(
    thread: ExporterThread,
    settings: ExporterSettings,
    log: FastifyBaseLogger,
    env: NodeJS.ProcessEnv,
  ): Promise<OtlpThread> {
    // Traces posted and not yet settled are bounded by the span queue's size (OTEL_BSP_MAX_QUEUE_SIZE).
    // Once past it, runs are dropped until no more than half of it is left to settle, so that a
    // steady small overload drops in stretches, logged once each.
    const pipeline = new OtlpThread(thread, log, spanQueueSize(env));
    try {
      await thread.startPipeline({
        otlp: settings.otlp!,
        serviceName: settings.serviceName,
        metricIntervalMs: settings.metricIntervalMs,
        env: { ...env },
        settled: pipeline.settled.buffer as SharedArrayBuffer,
      });
    } catch (err) {
      clearInterval(pipeline.timer);
      throw err;
    }
    return pipeline;
  }

  /** A trace closed: written into the run, which is posted when full. */
  closed(trace: TraceNotes, done: ClosedRequest): void {
    this.writer.write(trace, done, this.post);
  }

  private readonly post = (run: NotesRun): void => {
    if (this.stopped) return;
    if (!this.thread.alive) {
      // Nothing will read runs again: stop posting them every second.
      clearInterval(this.timer);
      return;
    }
    const behind = (this.posted - Atomics.load(this.settled, 0)) | 0;
    // A run always fits a thread that has caught up, however small the bound; once dropping, runs
    // go again when the thread is back under half the bound and the run fits.
    const fits = behind + run.count <= Math.max(this.maxBehind, run.count);
    const full = !fits || (this.dropping && behind > this.maxBehind >> 1);
    if (full) {
      this.droppedTraces += run.count;
      // The thread never reads this run: what the next ones repeat from it must cross again.
      this.writer.forget();
      if (!this.dropping)
        this.log.warn({}, 'the telemetry exporter is behind; closed traces are dropped until it catches up');
      this.dropping = true;
      return;
    }
    if (this.dropping)
      this.log.warn({ dropped: this.droppedTraces }, 'the telemetry exporter caught up; closed traces dropped so far');
    this.dropping = false;
    this.posted = (this.posted + run.count) | 0;
    this.thread.post(run);
  };

  private postRun(): void {
    if (this.writer.count > 0) this.post(this.writer.take());
  }

  /** Sends every closed trace and the histograms now, and waits until they were sent. */
  async flush(): Promise<void> {
    this.postRun();
    if (!this.stopped) await this.thread.flush();
  }

  /** Hands everything to the exporter's thread and stops the pipeline there, which sends what it can. */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    this.postRun();
    this.stopped = true;
    await this.thread.stopPipeline();
  }
}
