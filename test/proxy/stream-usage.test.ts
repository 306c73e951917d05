// The stream_options lifecycle in one call: ask for include_usage, retry once without it when the
// deployment rejects it and remember that, and say on the exchange whether the usage chunk is
// the proxy's. A fake `send` stands in for the upstream; the simulator runs in chat.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { UpstreamExchange } from '../../proxy/upstream/call.js';
import {
  rejectsStreamOptions,
  sendWithStreamUsage,
  wantsStreamUsage,
  type StreamUsageRequest,
} from '../../proxy/relay/stream-usage.js';

function answer(statusCode: number, text = ''): UpstreamExchange {
  return {
    statusCode,
    headers: {},
    body: Readable.from([Buffer.from(text)]) as UpstreamExchange['body'],
    signal: new AbortController().signal,
  };
}

const REJECTION = JSON.stringify({
  error: {
    message: 'Unrecognized request argument supplied: stream_options',
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
});

function request(body: Record<string, unknown>, replies: UpstreamExchange[], rejecting = new Set<string>()) {
  const sent: Record<string, unknown>[] = [];
  const warnings: string[] = [];
  const req: StreamUsageRequest = {
    body,
    want: true,
    upstream: 'up',
    deployment: 'dep',
    rejecting,
    log: { warn: (_obj, msg) => void warnings.push(msg) },
    send: async (b) => {
      sent.push(b);
      const next = replies.shift();
      assert.ok(next, 'more sends than answers');
      return next;
    },
  };
  return { req, sent, warnings, rejecting };
}

const chat = { model: 'dep', stream: true, messages: [] };

test("a chat stream is asked for usage, keeping the client's other stream_options; the exchange says the usage chunk is the proxy's", async () => {
  const { req, sent } = request({ ...chat, stream_options: { other: 1 } }, [answer(200)]);
  const exchange = await sendWithStreamUsage(req);
  assert.deepEqual(sent, [{ ...chat, stream_options: { other: 1, include_usage: true } }]);
  assert.equal(exchange.usageInjected, true);
});

test('nothing is added when not wanted, not a stream, or asked by the client: the very same body goes out', async () => {
  for (const [body, want] of [
    [chat, false],
    [{ ...chat, stream: false }, true],
    [{ ...chat, stream_options: { include_usage: true } }, true],
  ] as const) {
    const { req, sent } = request(body, [answer(400, REJECTION)]);
    const exchange = await sendWithStreamUsage({ ...req, want });
    assert.equal(sent.length, 1, "a client's own rejected stream_options is not retried");
    assert.equal(sent[0], body);
    assert.equal(exchange.usageInjected, false);
    assert.equal(exchange.statusCode, 400);
  }
});

test('a rejection is retried once without stream_options and remembered; the next request does not ask', async () => {
  const first = request(chat, [answer(400, REJECTION), answer(200)]);
  const exchange = await sendWithStreamUsage(first.req);
  assert.deepEqual(first.sent, [{ ...chat, stream_options: { include_usage: true } }, chat]);
  assert.equal(exchange.usageInjected, false);
  assert.equal(exchange.statusCode, 200);
  assert.deepEqual([...first.rejecting], ['up|dep']);
  assert.deepEqual(first.warnings, ['upstream rejects stream_options; retrying without it and not asking again']);
  const second = request(chat, [answer(200)], first.rejecting);
  assert.equal((await sendWithStreamUsage(second.req)).usageInjected, false);
  assert.deepEqual(second.sent, [chat]);
});

test('another 400 is passed on with its body already read, and nothing is remembered', async () => {
  const other = JSON.stringify({ error: { message: 'messages is required', code: 'invalid_value' } });
  const { req, sent, rejecting } = request(chat, [answer(400, other)]);
  const exchange = await sendWithStreamUsage(req);
  assert.equal(sent.length, 1);
  assert.equal(exchange.buffered?.toString('utf8'), other);
  assert.equal(rejecting.size, 0);
});

test('only a chat call on a chat deployment of a model with streamUsage asks; both rejection shapes are recognised', () => {
  assert.equal(wantsStreamUsage('chat/completions', 'chat/completions', true), true);
  assert.equal(wantsStreamUsage('chat/completions', 'chat/completions', false), false);
  assert.equal(wantsStreamUsage('chat/completions', 'responses', true), false);
  assert.equal(wantsStreamUsage('chat/completions', undefined, true), false);
  assert.equal(wantsStreamUsage('responses', 'responses', true), false);
  assert.equal(rejectsStreamOptions(REJECTION), true);
  assert.equal(
    rejectsStreamOptions(JSON.stringify({ error: { code: 'unknown_parameter', param: 'stream_options' } })),
    true,
  );
  assert.equal(rejectsStreamOptions(JSON.stringify({ error: { code: 'unknown_parameter', param: 'tools' } })), false);
});
