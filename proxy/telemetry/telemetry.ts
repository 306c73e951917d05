/**
 * The proxy's OpenTelemetry switch and its request hooks (docs/telemetry.md). Off — no exporter
 * configured — it loads nothing of OpenTelemetry and a request pays one property test. On, the
 * exporter is loaded (the gateway's own OTLP exporter on a thread of its own, or the SDK for
 * Azure Monitor), every client-API request gets a trace at `onRequest`, the relay opens an
 * attempt per upstream try, and the trace is closed when the response closes, from the same
 * accounting record the usage statistics are written from. A config change that switches
 * exporters stops the old one (sending what it holds) and starts the new one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TelemetrySettings } from '../../common/config/schema.js';
import { accountingOf, isCountedPath, type RequestAccounting } from '../usage/accounting.js';
import type { TokenUsage } from '../usage/extract.js';
import { exporterScheduling, exporterSettings, type ExporterSettings } from './exporter-settings.js';

/** A running exporter: flushed by tests and at shutdown. */
interface RunningPipeline {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

interface Started {
  pipeline: RunningPipeline;
  factory: TraceFactory;
}

/** One upstream try of a request. */
export interface AttemptTrace {
  /** The W3C trace-context headers to send upstream (this attempt's span as the parent). */
  readonly headers: Readonly<Record<string, string>>;
  /** The upstream answered with `status` (an error status ends the attempt now). */
  answered(status: number): void;
  /** The try failed before any answer. */
  failed(err: unknown): void;
}

/** How a request ended, for its trace: of its accounting, what a span and the metrics carry. */
export interface ClosedRequest {
  acc: Pick<RequestAccounting, 'model' | 'target'> & { tokens?: Pick<TokenUsage, 'prompt' | 'completion'> };
  status: number;
  keyId: string;
  team?: string;
  latencyMs: number;
}

/** A client request's trace (see request-trace.ts). */
export interface RequestTrace {
  attempt(target: { upstream: string; deployment: string; key: string }): AttemptTrace;
  /** Failover passed over a target that was cooling down or had its circuit open. */
  skippedTarget(target: string, waitMs: number): void;
  /** The last attempt's target was put in cool-down for `ms` (a 429). */
  cooledDown(ms: number): void;
  /** A parsed answer or stream event (response model, id, finish reasons). */
  answer(json: unknown): void;
  /** The request was refused with `err` (a limit, a bad body…). */
  refused(err: unknown): void;
  close(done: ClosedRequest): void;
}

/** Makes the trace of one request. */
export type TraceFactory = (headers: IncomingHttpHeaders, method: string, url: string) => RequestTrace;

declare module 'fastify' {
  interface FastifyRequest {
    trace?: RequestTrace;
  }
}

/** The trace of `req`, when telemetry is on. */
export function traceOf(req: FastifyRequest): RequestTrace | undefined {
  return req.trace;
}

// How long the exporter's thread is kept idle once OTLP is switched off: a switch back on within
// it reuses the thread warm; past it, the thread is stopped (its memory, about 40 MB, mostly stays
// with the allocator for a new thread to reuse; docs/telemetry.md, "What it costs").
const THREAD_IDLE_MS = 10 * 60_000;

/**
 * The exporter's thread as Telemetry keeps it between pipelines (otlp/otlp-thread.ts, loaded only
 * when OTLP is switched on).
 */
interface KeptThread {
  readonly alive: boolean;
  terminate(): Promise<void>;
}

/** The proxy's telemetry: off, or one running pipeline. */
export class Telemetry {
  private pipeline: RunningPipeline | undefined;
  private factory: TraceFactory | undefined;
  private settingsKey = 'off';
  private changing: Promise<void> = Promise.resolve();
  // Started the first time OTLP is switched on, kept while it is off (otlp/otlp-thread.ts).
  private exporterThread: KeptThread | undefined;
  // The running pipeline is the gateway's own exporter, on that thread.
  private onThread = false;
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly threadIdleMs = THREAD_IDLE_MS,
  ) {}

  /** Switches exporters to what `config` and the environment say (no-op when unchanged). */
  configure(config: Readonly<TelemetrySettings>): Promise<void> {
    const settings = exporterSettings(config, this.env);
    const key = settings ? JSON.stringify(settings) : 'off';
    if (key === this.settingsKey || this.closed) return this.changing;
    this.settingsKey = key;
    return this.chain(async () => {
      const old = this.pipeline;
      this.pipeline = undefined;
      this.factory = undefined;
      this.onThread = false;
      await old?.shutdown().catch((err: unknown) => this.log.warn({ err }, 'stopping telemetry failed'));
      if (settings) await this.start(settings, key);
      // Said once the old pipeline has sent what it held (or given up on it), as "telemetry on"
      // is said once the new one runs: the log tells when a switch is done, not only asked for.
      else if (old) this.log.info('telemetry off');
      this.releaseIdleThread();
    });
  }

  // Starts the exporters `settings` name (they were configured under `key`).
  private async start(settings: ExporterSettings, key: string): Promise<void> {
    try {
      const started = settings.azureMonitor ? await this.startSdk(settings) : await this.startOtlp(settings);
      this.pipeline = started.pipeline;
      this.factory = started.factory;
      this.onThread = !settings.azureMonitor;
      this.log.info(
        {
          serviceName: settings.serviceName,
          otlp: settings.otlp ? { url: settings.otlp.tracesUrl, protocol: settings.otlp.protocol } : undefined,
          azureMonitor: settings.azureMonitor !== undefined,
        },
        'telemetry on',
      );
    } catch (err) {
      this.log.error({ err }, 'telemetry could not start; requests are served without it');
      // A reload of the same config tries again.
      if (this.settingsKey === key) this.settingsKey = 'off';
    }
  }

  // Runs `work` after every change queued before it; a step that fails is logged and does not
  // stop the ones after it.
  private chain(work: () => Promise<void>): Promise<void> {
    this.changing = this.changing
      .then(work)
      .catch((err: unknown) => this.log.error({ err }, 'a telemetry change failed'));
    return this.changing;
  }

  // Stops the exporter's thread once OTLP has been off for threadIdleMs since the last change.
  private releaseIdleThread(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const thread = this.exporterThread;
    if (!thread || this.onThread || this.closed) return;
    this.idleTimer = setTimeout(() => {
      void this.chain(async () => {
        if (this.exporterThread !== thread || this.onThread) return;
        this.exporterThread = undefined;
        await thread.terminate();
      });
    }, this.threadIdleMs).unref();
  }

  // Azure Monitor goes through Microsoft's distro, on the OpenTelemetry SDK (an OTLP exporter
  // that is on too rides along in it); OTLP alone goes through the gateway's own exporter, which
  // costs a request less than the SDK does (docs/telemetry.md, "What it costs").
  private async startSdk(settings: ExporterSettings): Promise<Started> {
    const [{ startPipeline }, { traceFactory }] = await Promise.all([
      import('./pipeline.js'),
      import('./request-trace.js'),
    ]);
    const pipeline = await startPipeline(settings);
    return { pipeline, factory: traceFactory(pipeline) };
  }

  private async startOtlp(settings: ExporterSettings): Promise<Started> {
    const [{ ExporterThread, OtlpThread }, { otlpTraceFactory }, { samplerFrom }] = await Promise.all([
      import('./otlp/otlp-thread.js'),
      import('./otlp/otlp-trace.js'),
      import('./otlp/sampler.js'),
    ]);
    // The exporter's thread outlives its pipelines (otlp-thread.ts); a new one replaces one that died.
    let thread = this.exporterThread as Awaited<ReturnType<typeof ExporterThread.spawn>> | undefined;
    if (!thread?.alive) {
      const spawned: KeptThread = (thread = await ExporterThread.spawn(
        this.log,
        () => this.lost(spawned),
        exporterScheduling(this.env, (value) =>
          this.log.warn({ value }, 'OTLP_EXPORTER_SCHEDULING is neither "idle" nor "normal"; idle is used'),
        ),
      ));
      this.exporterThread = spawned;
    }
    const pipeline = await OtlpThread.start(thread, settings, this.log, this.env);
    return { pipeline, factory: otlpTraceFactory(pipeline, samplerFrom(this.env)) };
  }

  /**
   * The exporter's thread died (it was logged): requests stop paying for traces nobody would
   * export, and the next reload, of the same config too, starts a new thread.
   */
  private lost(thread: KeptThread): void {
    if (this.exporterThread !== thread) return;
    this.exporterThread = undefined;
    if (!this.onThread) return;
    // Its timer stops; nothing is left to send.
    void this.pipeline?.shutdown().catch(() => undefined);
    this.pipeline = undefined;
    this.factory = undefined;
    this.onThread = false;
    this.settingsKey = 'off';
  }

  /** True while an exporter runs (requests get traces). */
  get active(): boolean {
    return this.factory !== undefined;
  }

  /** A new request's trace, or undefined when telemetry is off. */
  begin(headers: IncomingHttpHeaders, method: string, url: string): RequestTrace | undefined {
    return this.factory?.(headers, method, url);
  }

  /** Exports what is buffered (tests; shutdown does it too). */
  async flush(): Promise<void> {
    await this.changing;
    await this.pipeline?.flush();
  }

  /**
   * Sends what is buffered and stops the exporter and its thread, after any change under way; no
   * change is made after it (the proxy is closing).
   */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    return this.chain(async () => {
      const p = this.pipeline;
      this.pipeline = undefined;
      this.factory = undefined;
      this.onThread = false;
      this.settingsKey = 'off';
      await p?.shutdown().catch((err: unknown) => this.log.warn({ err }, 'stopping telemetry failed'));
      const thread = this.exporterThread;
      this.exporterThread = undefined;
      await thread?.terminate();
    });
  }
}

/**
 * Traces every client-API request on `app` while telemetry is on. The trace is closed by
 * `closeTrace`, which the usage accounting calls from its own close handler, so the trace closes
 * on the record the statistics use and a request pays one close listener, not two.
 */
export function registerTelemetry(app: FastifyInstance, telemetry: Telemetry): void {
  // Declared whether telemetry is on or off: a property added only while on would give requests
  // two shapes, and the code that reads them slower paths in both states.
  app.decorateRequest('trace', undefined);
  app.addHook('onRequest', (req, _reply, done) => {
    if (telemetry.active && isCountedPath(req.url)) req.trace = telemetry.begin(req.headers, req.method, req.url);
    done();
  });
  app.addHook('onError', (req, _reply, err, done) => {
    req.trace?.refused(err);
    done();
  });
}

/** Closes the trace of `req`, if it has one, when its response has closed after `latencyMs`. */
export function closeTrace(req: FastifyRequest, reply: FastifyReply, latencyMs: number): void {
  const t = req.trace;
  if (!t) return;
  const acc = accountingOf(req);
  const client = req.caller?.kind === 'client' ? req.caller.entry : undefined;
  t.close({
    acc,
    status: reply.raw.writableFinished ? (acc.status ?? reply.statusCode) : 0,
    keyId: client?.id ?? '(unauthenticated)',
    team: client?.team || undefined,
    latencyMs,
  });
}
