/**
 * Sending the Playground's request through the gateway's own /v1 (same origin, through Caddy):
 * the answer streams into the output, then the figures (status, time to first byte, tokens,
 * events, request id) and, for an attached image, what compression saved.
 */
import { isRecord } from '../../api.js';
import { clientKey } from '../../client-key.js';
import type { Self } from '../../component.js';
import { announce } from '../../dom.js';
import { ms, num } from '../../format.js';
import { gatewayError } from '../../gateway-error.js';
import { t } from '../../i18n.js';
import { usageAfter, usageOf, type Compression } from './compression.js';
import { attachedImage } from './image-field.js';
import type { MetaView } from './play-meta.js';
import type { OutputState } from './output.js';
import { eventPart, fromJson, requestBody, type PlayRequest } from './request.js';
import { takeEvents } from './sse.js';

type Json = Record<string, unknown>;

/** The parts of the page a request updates. */
export interface SendParts {
  output: Self<OutputState>;
  meta: Self<{ view: MetaView }>;
  compression: Self<{ c: Compression }>;
  sendBtn: HTMLButtonElement;
  stopBtn: HTMLButtonElement;
  keyInput: HTMLInputElement;
}

/** What came back. */
interface Answer {
  status: number;
  requestId: string;
  firstByte: number | undefined;
  usage: Json | undefined;
  events: number;
  failure: string;
}

async function readStream(
  body: NonNullable<Response['body']>,
  r: PlayRequest,
  answer: Answer,
  started: number,
  output: Self<OutputState>,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    answer.firstByte ??= performance.now() - started;
    const { data, rest } = takeEvents(buffer + value);
    buffer = rest;
    for (const d of data) {
      if (!d || d === '[DONE]') continue;
      answer.events++;
      let ev: unknown;
      try {
        ev = JSON.parse(d);
      } catch {
        continue;
      }
      if (!isRecord(ev)) continue;
      const part = eventPart(r.api, ev, answer.status);
      if (part.delta) output.set({ text: output.state.text + part.delta });
      if (part.usage) answer.usage = part.usage;
      if (part.failure) answer.failure = part.failure;
    }
  }
}

async function fetchAnswer(
  r: PlayRequest,
  inFlight: AbortController,
  output: Self<OutputState>,
): Promise<Answer & { total: number }> {
  const answer: Answer = { status: 0, requestId: '', firstByte: undefined, usage: undefined, events: 0, failure: '' };
  const started = performance.now();
  try {
    const res = await fetch(r.api === 'chat' ? '/v1/chat/completions' : '/v1/responses', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${clientKey()}`,
        'content-type': 'application/json',
        accept: r.stream ? 'text/event-stream' : 'application/json',
      },
      body: JSON.stringify(requestBody(r, attachedImage()?.dataUrl)),
      signal: inFlight.signal,
    });
    answer.status = res.status;
    answer.requestId = res.headers.get('x-request-id') ?? '';
    if (!res.ok || !res.body) {
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON.
      }
      answer.failure = gatewayError(res.status, body);
    } else if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      await readStream(res.body, r, answer, started, output);
    } else {
      const body: unknown = await res.json();
      answer.firstByte = performance.now() - started;
      const whole = fromJson(r.api, body);
      output.set({ text: whole.text });
      answer.usage = whole.usage;
    }
  } catch (err) {
    answer.failure = inFlight.signal.aborted ? t('play.stopped') : err instanceof Error ? err.message : String(err);
  }
  return { ...answer, total: performance.now() - started };
}

function figures(a: Answer & { total: number }, stream: boolean): [string, string][] {
  const prompt = a.usage ? Number(a.usage.prompt_tokens ?? a.usage.input_tokens) : NaN;
  const completion = a.usage ? Number(a.usage.completion_tokens ?? a.usage.output_tokens) : NaN;
  return [
    [t('play.status'), a.status ? String(a.status) : '—'],
    [t('play.firstByte'), a.firstByte !== undefined ? ms(a.firstByte) : '—'],
    [t('play.total'), ms(a.total)],
    [t('play.tokens'), a.usage ? t('play.tokensValue', { p: num(prompt), c: num(completion) }) : '—'],
    ...(stream ? ([[t('play.events'), num(a.events)]] as [string, string][]) : []),
    ['x-request-id', a.requestId || '—'],
  ];
}

/** Sends request `r`; `inFlight` stops it, `signal` is the page's (left: nothing more is shown). */
export async function send(
  r: PlayRequest,
  parts: SendParts,
  inFlight: AbortController,
  signal: AbortSignal,
): Promise<void> {
  const { output, meta, compression, sendBtn, stopBtn } = parts;
  if (!clientKey()) {
    meta.set({ view: { kind: 'needKey' } });
    parts.keyInput.focus();
    return;
  }
  if (!r.model) return meta.set({ view: { kind: 'needModel' } });
  sendBtn.disabled = true;
  stopBtn.disabled = false;
  output.set({ text: '', busy: true });
  meta.set({ view: { kind: 'waiting' } });
  const image = attachedImage();
  const before = image ? await usageOf(r.model).catch(() => undefined) : undefined;
  const answer = await fetchAnswer(r, inFlight, output);
  output.set({ busy: false });
  sendBtn.disabled = false;
  stopBtn.disabled = true;
  if (signal.aborted) return;
  const measure = !!(image && before && !answer.failure);
  if (measure) compression.set({ c: { phase: 'measuring' } });
  meta.set({ view: { kind: 'done', rows: figures(answer, r.stream), failure: answer.failure, compression: measure } });
  announce(answer.failure ? t('play.failed') : t('play.done'));
  if (!image || !before || !measure) return;
  const after = await usageAfter(r.model, before);
  compression.set({ c: { phase: 'done', original: image.file.size, saved: after.saved - before.saved } });
}
