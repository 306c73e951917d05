// The Foundry simulator's scripted behaviours: the scenario queue and header, transport faults
// (slow headers, hang, dropped and reset connections, slow chunks), Azure's error replies,
// finish reasons, classic deployment paths and both credential kinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../harness/loopback-guard.js';
import {
  MISSING_DEPLOYMENT,
  startFoundrySimulator,
  type FoundrySimulator,
  type SimulatorOptions,
} from '../../simulator/foundry/simulator.js';

async function startSim(
  t: { after(fn: () => Promise<void>): void },
  opts: SimulatorOptions = {},
): Promise<FoundrySimulator> {
  const sim = await startFoundrySimulator(opts);
  t.after(() => sim.close());
  return sim;
}

function post(
  sim: FoundrySimulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

const CHAT = '/openai/v1/chat/completions';
const chatBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'dep-a',
  messages: [{ role: 'user', content: 'one two three four five six' }],
  ...extra,
});

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

/** The parsed `data:` payloads of an SSE body. */
function dataOf(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((e) => e !== '')
    .map((e) => {
      const line = e.split('\n').find((l) => l.startsWith('data: ')) ?? '';
      const payload = line.slice('data: '.length);
      return payload === '[DONE]' ? payload : (JSON.parse(payload) as unknown);
    });
}

test('queue: one scenario per request, first in first out, then the default; reset restores it', async (t) => {
  const sim = await startSim(t);
  sim.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
  assert.equal((await post(sim, CHAT, chatBody())).status, 500);
  assert.equal((await post(sim, CHAT, chatBody())).status, 503);
  assert.equal((await post(sim, CHAT, chatBody())).status, 200);
  sim.setDefault({ kind: 'status', status: 429 });
  assert.equal((await post(sim, CHAT, chatBody())).status, 429);
  sim.reset();
  assert.equal(sim.requests.length, 0);
  assert.equal((await post(sim, CHAT, chatBody())).status, 200);
});

test('x-sim-scenario picks a scenario per request (name or JSON) without consuming the queue', async (t) => {
  const sim = await startSim(t);
  sim.enqueue({ kind: 'status', status: 503 });
  const named = await post(sim, CHAT, chatBody(), { 'x-sim-scenario': 'length' });
  assert.equal(((await json(named)).choices as Array<{ finish_reason: string }>)[0]?.finish_reason, 'length');
  const fromJson = await post(sim, CHAT, chatBody(), { 'x-sim-scenario': '{"kind":"status","status":418}' });
  assert.equal(fromJson.status, 418);
  const bad = await post(sim, CHAT, chatBody(), { 'x-sim-scenario': 'no-such-scenario' });
  assert.equal(bad.status, 400);
  assert.match(
    String(((await json(bad)).error as { message: string }).message),
    /^x-sim-scenario: unknown scenario name/,
  );
  assert.equal((await post(sim, CHAT, chatBody())).status, 503);
});

test('Azure error bodies: 500 and 503 by default, custom body and headers when given', async (t) => {
  const sim = await startSim(t);
  sim.enqueue(
    { kind: 'status', status: 500 },
    { kind: 'status', status: 503, body: { error: { code: 'Custom', message: 'm' } }, headers: { 'retry-after': '7' } },
  );
  const five = await post(sim, CHAT, chatBody());
  assert.deepEqual(await json(five), {
    error: {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    },
  });
  assert.ok(five.headers.get('apim-request-id'));
  const custom = await post(sim, CHAT, chatBody());
  assert.equal(custom.status, 503);
  assert.equal(custom.headers.get('retry-after'), '7');
  assert.deepEqual(await json(custom), { error: { code: 'Custom', message: 'm' } });
});

test('slowHeaders: status and headers only after the delay; a client leaving during it is recorded', async (t) => {
  const sim = await startSim(t);
  sim.enqueue({ kind: 'slowHeaders', delayMs: 200 });
  const started = Date.now();
  const res = await post(sim, CHAT, chatBody());
  assert.ok(Date.now() - started >= 190, `headers after ${Date.now() - started} ms`);
  assert.equal(res.status, 200);
  await res.arrayBuffer();

  sim.enqueue({ kind: 'slowHeaders', delayMs: 5000 });
  await assert.rejects(post(sim, CHAT, chatBody(), {}, AbortSignal.timeout(100)));
  const left = await sim.waitFor((r) => r.aborted, 2000);
  assert.equal(left.status, undefined);
});

test('hang: nothing comes back; the client giving up marks the request aborted; close() does not wait for it', async (t) => {
  const sim = await startSim(t);
  sim.enqueue('hang', 'hang');
  await assert.rejects(post(sim, CHAT, chatBody(), {}, AbortSignal.timeout(150)));
  assert.equal((await sim.waitFor((r) => r.aborted, 2000)).completed, false);

  const pending = post(sim, CHAT, chatBody()).catch((err: unknown) => err);
  await sim.waitFor((r) => r !== sim.requests[0], 2000);
  await sim.close();
  assert.ok((await pending) instanceof Error);
  assert.equal(sim.requests[1]?.aborted, false, 'the simulator closing is not the client aborting');
});

test('dropMidStream: some SSE events, then the connection is cut (not counted as a client abort)', async (t) => {
  const sim = await startSim(t);
  sim.enqueue({ kind: 'dropMidStream', afterChunks: 3 });
  const res = await post(sim, CHAT, chatBody({ stream: true }));
  assert.equal(res.status, 200);
  const decoder = new TextDecoder();
  let text = '';
  await assert.rejects(async () => {
    for await (const part of res.body ?? []) text += decoder.decode(part as Uint8Array, { stream: true });
  });
  assert.equal(dataOf(text).length, 3);
  const [request] = sim.requests;
  assert.equal(request?.aborted, false);
  assert.equal(request?.completed, false);
});

test('reset: the socket is destroyed without a response', async (t) => {
  const sim = await startSim(t);
  sim.enqueue('reset');
  await assert.rejects(post(sim, CHAT, chatBody()), TypeError);
  assert.equal(sim.requests[0]?.aborted, false);
  assert.equal(sim.requests[0]?.status, undefined);
});

test('slowChunks: events are spaced by the interval and there are as many content deltas as asked', async (t) => {
  const sim = await startSim(t);
  sim.enqueue({ kind: 'slowChunks', intervalMs: 40, chunks: 8 });
  const started = Date.now();
  const text = await (await post(sim, CHAT, chatBody({ stream: true }))).text();
  const events = dataOf(text);
  // prompt filter + role + 8 content + finish + [DONE]
  assert.equal(events.length, 12);
  assert.ok(Date.now() - started >= 11 * 40 - 20, `took ${Date.now() - started} ms`);
});

test('contentFilter: finish_reason content_filter with the filter result, streamed and in JSON', async (t) => {
  const sim = await startSim(t);
  const streamed = dataOf(
    await (await post(sim, CHAT, chatBody({ stream: true }), { 'x-sim-scenario': 'contentFilter' })).text(),
  );
  const finish = (
    streamed.at(-2) as { choices: Array<{ finish_reason: string; content_filter_results: Record<string, unknown> }> }
  ).choices[0];
  assert.equal(finish?.finish_reason, 'content_filter');
  assert.deepEqual(finish?.content_filter_results.violence, { filtered: true, severity: 'medium' });
  const whole = await json(await post(sim, CHAT, chatBody(), { 'x-sim-scenario': 'contentFilter' }));
  const choice = (whole.choices as Array<{ finish_reason: string; message: { content: unknown } }>)[0];
  assert.equal(choice?.finish_reason, 'content_filter');
  assert.equal(choice?.message.content, null);
});

test('length: max_tokens and the length scenario cut the reply; responses become incomplete', async (t) => {
  const sim = await startSim(t);
  const capped = await json(await post(sim, CHAT, chatBody({ max_tokens: 3 })));
  const choice = (capped.choices as Array<{ finish_reason: string; message: { content: string } }>)[0];
  assert.deepEqual([choice?.finish_reason, choice?.message.content], ['length', 'Echo: one two']);
  assert.equal((capped.usage as { completion_tokens: number }).completion_tokens, 3);

  const resp = await json(
    await post(sim, '/openai/v1/responses', { model: 'dep-a', input: 'a b c d e f' }, { 'x-sim-scenario': 'length' }),
  );
  assert.equal(resp.status, 'incomplete');
  assert.deepEqual(resp.incomplete_details, { reason: 'max_output_tokens' });
  const events = dataOf(
    await (
      await post(sim, '/openai/v1/responses', { model: 'dep-a', input: 'x', stream: true, max_output_tokens: 1 })
    ).text(),
  );
  assert.equal((events.at(-1) as { type: string }).type, 'response.incomplete');
});

test('rejectStreamOptions: 400 unknown_parameter (or the older shape) only when stream_options is sent', async (t) => {
  const sim = await startSim(t);
  sim.setDefault('rejectStreamOptions');
  const rejected = await post(sim, CHAT, chatBody({ stream: true, stream_options: { include_usage: true } }));
  assert.equal(rejected.status, 400);
  assert.deepEqual(await json(rejected), {
    error: {
      message: "Unknown parameter: 'stream_options'.",
      type: 'invalid_request_error',
      param: 'stream_options',
      code: 'unknown_parameter',
    },
  });
  assert.equal((await post(sim, CHAT, chatBody({ stream: true }))).status, 200);
  const older = await post(sim, CHAT, chatBody({ stream: true, stream_options: {} }), {
    'x-sim-scenario': '{"kind":"rejectStreamOptions","style":"unrecognized"}',
  });
  assert.deepEqual(await json(older), {
    error: {
      message: 'Unrecognized request argument supplied: stream_options',
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  });
});

test("promptFilter: Azure's 400 content_filter error", async (t) => {
  const sim = await startSim(t);
  const res = await post(sim, CHAT, chatBody(), { 'x-sim-scenario': 'promptFilter' });
  assert.equal(res.status, 400);
  const error = (await json(res)).error as Record<string, unknown>;
  assert.equal(error.code, 'content_filter');
  assert.equal((error.innererror as { code: string }).code, 'ResponsibleAIPolicyViolation');
});

test('classic paths: deployment from the path, api-version required, DeploymentNotFound', async (t) => {
  const sim = await startSim(t);
  const classic = await post(sim, '/openai/deployments/dep-classic/chat/completions?api-version=2024-10-21', {
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.equal(classic.status, 200);
  assert.equal((await json(classic)).model, 'dep-classic');
  assert.equal(classic.headers.get('x-ms-deployment-name'), 'dep-classic');
  assert.equal(sim.requests[0]?.deployment, 'dep-classic');

  const noVersion = await post(sim, '/openai/deployments/dep-classic/chat/completions', { messages: [] });
  assert.deepEqual(
    [noVersion.status, await json(noVersion)],
    [404, { error: { code: '404', message: 'Resource not found' } }],
  );

  const missing = await post(sim, CHAT, { model: MISSING_DEPLOYMENT, messages: [] });
  assert.equal(missing.status, 404);
  assert.equal(((await json(missing)).error as { code: string }).code, 'DeploymentNotFound');
  const embed = await post(sim, `/openai/deployments/${MISSING_DEPLOYMENT}/embeddings?api-version=2024-10-21`, {
    input: 'x',
  });
  assert.equal(embed.status, 404);
});

test("credentials: api-key and bearer token, each with Azure's 401 wording; no options accepts anything", async (t) => {
  const sim = await startSim(t, { apiKey: 'k1', acceptToken: (token) => token === 'good-token' });
  assert.equal((await post(sim, CHAT, chatBody(), { 'api-key': 'k1' })).status, 200);
  assert.equal((await post(sim, CHAT, chatBody(), { authorization: 'Bearer good-token' })).status, 200);
  const badToken = await post(sim, CHAT, chatBody(), { authorization: 'Bearer stale' });
  assert.equal(badToken.status, 401);
  assert.match(
    String(((await json(badToken)).error as { message: string }).message),
    /^Unauthorized\. Access token is missing, invalid/,
  );
  const badKey = await post(sim, CHAT, chatBody(), { 'api-key': 'k2', authorization: 'Bearer good-token' });
  assert.equal(badKey.status, 401, 'a present api-key decides, as on Azure');
  const none = await post(sim, CHAT, chatBody());
  assert.equal(none.status, 401);
  assert.match(String(((await json(none)).error as { message: string }).message), /missing subscription key/);
  assert.equal(none.headers.get('x-request-id')?.length, 36);

  const open = await startSim(t);
  assert.equal((await post(open, CHAT, chatBody())).status, 200);
});
