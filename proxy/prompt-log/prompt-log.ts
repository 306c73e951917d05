/**
 * The opt-in prompt and completion log (docs/telemetry.md, "Prompt and completion log"): off by
 * default; when `server.telemetry.promptLog` is enabled, the calls of the keys and models it
 * names are written, redacted, to DATA_DIR/prompt-log within its retention limits. The response
 * is copied as it is written to the client (up to a bound), so neither the relay nor the stream
 * changes; calls that are not logged pay one settings check.
 */
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PromptLogSettings } from '../../common/config/schema.js';
import type { ProxyRuntime } from '../runtime.js';
import { accountingOf, isCountedPath } from '../usage/accounting.js';
import { completionText, promptText } from './answer-text.js';
import { PromptLogFiles, type Retention } from './log-files.js';
import { redactor } from './redaction.js';

/** The most of a prompt or an answer that is kept per call. */
export const MAX_LOGGED_BYTES = 256 * 1024;

/** The folder of the log inside DATA_DIR. */
export function promptLogDir(dataDir: string): string {
  return path.join(dataDir, 'prompt-log');
}

function retentionOf(s: PromptLogSettings): Retention {
  return { maxAgeDays: s.maxAgeDays, maxTotalBytes: s.maxTotalMiB * 1024 * 1024 };
}

// The model a call names: the body's, or an Azure deployment path's.
function modelOf(req: FastifyRequest): string | undefined {
  const fromPath = /^\/openai\/deployments\/([^/?]+)\//.exec(req.url)?.[1];
  if (fromPath) return decodeURIComponent(fromPath);
  const body = req.body as { model?: unknown } | undefined;
  return typeof body?.model === 'string' ? body.model : undefined;
}

/** Whether `settings` log calls of `keyId` on `model`. */
export function isLogged(settings: PromptLogSettings, keyId: string, model: string | undefined): boolean {
  return (
    settings.enabled && (settings.keys.includes(keyId) || (model !== undefined && settings.models.includes(model)))
  );
}

// Copies what goes to the client, up to the bound, without changing it.
function captureResponse(reply: FastifyReply): () => string {
  const raw = reply.raw;
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (size >= MAX_LOGGED_BYTES || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk)
        : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    const part = buf.subarray(0, MAX_LOGGED_BYTES - size);
    chunks.push(part);
    size += part.length;
  };
  const write = raw.write.bind(raw);
  const end = raw.end.bind(raw);
  raw.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof raw.write;
  raw.end = ((chunk?: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return (end as (...a: unknown[]) => typeof raw)(chunk, ...rest);
  }) as typeof raw.end;
  return () => Buffer.concat(chunks).toString('utf8');
}

function clip(text: string): string {
  return text.length > MAX_LOGGED_BYTES ? `${text.slice(0, MAX_LOGGED_BYTES)}…[truncated]` : text;
}

/**
 * Logs the calls the config names. `dataDir` absent: the log is off whatever the config says
 * (an app built without a data folder, as some tests do).
 */
export function registerPromptLog(app: FastifyInstance, runtime: ProxyRuntime, dataDir: string | undefined): void {
  if (!dataDir) return;
  const files = new PromptLogFiles(promptLogDir(dataDir));
  let redactFor = { patterns: '', apply: redactor([]) };
  const settings = () => runtime.snapshot().config.server.telemetry.promptLog;
  void files.prune(retentionOf(settings()));
  runtime.onSnapshot((snap) => void files.prune(retentionOf(snap.config.server.telemetry.promptLog)));

  // preHandler: the key is known and the body parsed, nothing has been sent yet.
  app.addHook('preHandler', (req, reply, done) => {
    const s = settings();
    if (!s.enabled || req.caller?.kind !== 'client' || !isCountedPath(req.url)) return done();
    const keyId = req.caller.entry.id;
    const model = modelOf(req);
    if (!isLogged(s, keyId, model)) return done();
    const captured = captureResponse(reply);
    const started = new Date().toISOString();
    reply.raw.once('close', () => {
      const key = JSON.stringify(s.redact);
      if (redactFor.patterns !== key) redactFor = { patterns: key, apply: redactor(s.redact) };
      const redact = redactFor.apply;
      const acc = accountingOf(req);
      const type = String(reply.getHeader('content-type') ?? '');
      const record = {
        time: started,
        requestId: req.id,
        keyId,
        ...(req.caller?.kind === 'client' && req.caller.entry.team ? { team: req.caller.entry.team } : {}),
        model: acc.model ?? model ?? null,
        target: acc.target ?? null,
        status: reply.raw.writableFinished ? (acc.status ?? reply.statusCode) : 0,
        path: req.url.split('?')[0],
        prompt: redact(clip(promptText(req.body))),
        completion: redact(clip(completionText(type, captured()))),
      };
      void files.append(JSON.stringify(record), retentionOf(s));
    });
    done();
  });
}
