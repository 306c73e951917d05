/**
 * "Send a test request": one chat completion through the gateway's own /v1 (same origin, through
 * Caddy) with the Playground's client key, to a model that uses the upstream.
 */
import { isRecord } from '../../api.js';
import { clientKey } from '../../client-key.js';
import { component, type Self } from '../../component.js';
import { alertBox, busy, errorBox } from '../../components/alerts.js';
import { h, type Child } from '../../dom.js';
import { ms } from '../../format.js';
import { gatewayError } from '../../gateway-error.js';
import { t } from '../../i18n.js';

/** Where the test is. */
export type TestState =
  | { phase: 'idle' }
  | { phase: 'needKey' }
  | { phase: 'noModel' }
  | { phase: 'busy'; model: string }
  | { phase: 'ok'; model: string; elapsed: number; reply: string; requestId: string | null }
  | { phase: 'refused'; message: string }
  | { phase: 'failed'; error: unknown };

function TestResult(_: null, self: Self<{ test: TestState }>): Child {
  const { test } = self.state;
  switch (test.phase) {
    case 'idle':
      return null;
    case 'needKey':
      return alertBox(
        'info',
        h('p', null, t('models.testNeedsKey')),
        h('a', { href: '/admin/playground', 'data-nav': 'playground' }, t('models.openPlayground')),
      );
    case 'noModel':
      return alertBox('warn', h('p', null, t('models.testNoModel')));
    case 'busy':
      return busy(t('models.testing', { model: test.model }));
    case 'ok':
      return alertBox(
        'ok',
        h('strong', null, t('models.testOk', { model: test.model, ms: ms(test.elapsed) })),
        h('p', { class: 'reply' }, test.reply),
        h('p', { class: 'muted small' }, `x-request-id: ${test.requestId ?? '—'}`),
      );
    case 'refused':
      return alertBox('error', h('strong', null, t('models.testFailed')), h('p', null, test.message));
    case 'failed':
      return errorBox(test.error, t('models.testFailed'));
  }
}

/** The result area of the test request. */
export function testResult(): Self<{ test: TestState }> {
  return component(h('div', { class: 'upstream-result', 'aria-live': 'polite' }), TestResult, null, {
    test: { phase: 'idle' },
  });
}

/** A chat model among `models` (not an embedding or image model), else the first. */
export function chatModelOf(models: string[]): string | undefined {
  return models.find((m) => !/embedding|image|dall-e|whisper|tts/i.test(m)) ?? models[0];
}

/** The first choice's text of a chat completion, cut to 300 characters. */
function replyOf(body: unknown): string {
  const choice =
    isRecord(body) && Array.isArray(body.choices) && isRecord(body.choices[0]) && isRecord(body.choices[0].message)
      ? String(body.choices[0].message.content ?? '')
      : '';
  return choice.slice(0, 300);
}

/** Sends the test request to `model` into `result`. */
export async function testRequest(result: Self<{ test: TestState }>, model: string | undefined): Promise<void> {
  const key = clientKey();
  if (!key) return result.set({ test: { phase: 'needKey' } });
  if (!model) return result.set({ test: { phase: 'noModel' } });
  result.set({ test: { phase: 'busy', model } });
  const started = performance.now();
  try {
    const res = await fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Reply with the single word: OK' }] }),
    });
    const elapsed = performance.now() - started;
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: shown as text.
    }
    if (!res.ok) return result.set({ test: { phase: 'refused', message: gatewayError(res.status, body) } });
    result.set({
      test: { phase: 'ok', model, elapsed, reply: replyOf(body), requestId: res.headers.get('x-request-id') },
    });
  } catch (error) {
    result.set({ test: { phase: 'failed', error } });
  }
}
