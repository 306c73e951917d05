// Three replicas' ledgers on one real Redis admit exactly K of N racing requests, key and team
// limits together, and a settled reservation is replaced by what was used
// (docs/shared-state.md, "Exact limits across replicas").
import assert from 'node:assert/strict';
import test from 'node:test';
import pino from 'pino';
import { SharedRedis } from '../../common/redis/shared-redis.js';
import { RedisLedger } from '../../proxy/shared-state/redis-ledger.js';
import type { AdmissionPlan, ScopePlan } from '../../proxy/governance/state.js';
import { startRedis } from '../harness/redis-server.js';
import { waitUntil } from '../harness/ports.js';

const log = pino({ level: 'silent' });

async function replicas(url: string, n: number): Promise<{ ledgers: RedisLedger[]; close: () => Promise<void> }> {
  const conns = await Promise.all(
    Array.from({ length: n }, () =>
      SharedRedis.open({ url, auth: 'none', keyPrefix: 'ledger-test:', timeoutMs: 2000 }, { log, name: 'test' }),
    ),
  );
  await waitUntil(async () => conns.every((c) => c.healthy), 10_000, 'every connection to be ok');
  const ledgers = conns.map((c) => new RedisLedger(c, log, () => n));
  return {
    ledgers,
    close: async () => {
      for (const l of ledgers) await l.close();
      for (const c of conns) await c.close();
    },
  };
}

const key = (limits: ScopePlan['limits']): ScopePlan => ({ scope: 'key:alice', label: 'key "alice"', limits });
const team = (limits: ScopePlan['limits']): ScopePlan => ({ scope: 'team:research', label: 'team "research"', limits });

test('120 requests racing over three replicas for 10 requests per minute: exactly 10 admitted', async (t) => {
  const redis = await startRedis(t);
  const { ledgers, close } = await replicas(redis.url, 3);
  t.after(close);
  const plan: AdmissionPlan = { keyId: 'alice', scopes: [key({ requestsPerMinute: 10 })], tokens: 0 };
  const results = await Promise.all(Array.from({ length: 120 }, (_, i) => ledgers[i % 3]!.admit(plan)));
  assert.equal(results.filter((r) => r.ok).length, 10);
  const refused = results.find((r) => !r.ok);
  assert.ok(refused && !refused.ok);
  assert.equal(refused.refusal.limit, 'requestsPerMinute');
  assert.equal(refused.refusal.code, 'rate_limit_exceeded');
  assert.ok(refused.refusal.retryAfterMs > 0 && refused.refusal.retryAfterMs <= 60_000);
  assert.deepEqual(
    refused.view.requests && { limit: refused.view.requests.limit, remaining: refused.view.requests.remaining },
    { limit: 10, remaining: 0 },
  );
});

test('a team limit shared by two keys is exact across replicas, and a refused request reserves nothing', async (t) => {
  const redis = await startRedis(t);
  const { ledgers, close } = await replicas(redis.url, 2);
  t.after(close);
  const alice: AdmissionPlan = {
    keyId: 'alice',
    scopes: [key({ tokensPerMinute: 1000 }), team({ tokensPerDay: 500 })],
    tokens: 100,
  };
  const bob: AdmissionPlan = {
    keyId: 'bob',
    scopes: [{ scope: 'key:bob', label: 'key "bob"', limits: {} }, team({ tokensPerDay: 500 })],
    tokens: 100,
  };
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ledgers[i % 2]!.admit(i % 3 ? alice : bob)));
  assert.equal(results.filter((r) => r.ok).length, 5);
  const refusal = results.find((r) => !r.ok);
  assert.ok(refusal && !refusal.ok);
  assert.equal(refusal.refusal.limit, 'tokensPerDay');
  assert.equal(refusal.refusal.code, 'insufficient_quota');
  await ledgers[0]!.refresh();
  assert.equal(ledgers[0]!.view().scopes['team:research']?.tokensToday, 500);
});

test('settling replaces the reservation with the tokens used, once, and frees the concurrency slot', async (t) => {
  const redis = await startRedis(t);
  const { ledgers, close } = await replicas(redis.url, 2);
  t.after(close);
  const plan: AdmissionPlan = {
    keyId: 'alice',
    scopes: [key({ tokensPerMinute: 1000, tokensPerDay: 10_000, maxConcurrent: 1 })],
    tokens: 400,
  };
  const first = await ledgers[0]!.admit(plan);
  assert.ok(first.ok);
  const second = await ledgers[1]!.admit(plan);
  assert.ok(!second.ok);
  assert.equal(second.refusal.limit, 'maxConcurrent');
  await ledgers[0]!.settle(first.ticket, { tokens: 150, cost: 0.25 });
  await ledgers[0]!.settle(first.ticket, { tokens: 150, cost: 0.25 });
  await ledgers[1]!.refresh();
  const u = ledgers[1]!.view().scopes['key:alice'];
  assert.deepEqual(
    u && {
      tokensLastMinute: u.tokensLastMinute,
      tokensToday: u.tokensToday,
      inFlight: u.inFlight,
      spendToday: u.spendToday,
      spendTotal: u.spendTotal,
    },
    { tokensLastMinute: 150, tokensToday: 150, inFlight: 0, spendToday: 0.25, spendTotal: 0.25 },
  );
  const third = await ledgers[1]!.admit(plan);
  assert.ok(third.ok);
  assert.equal(third.ticket.view.tokens?.remaining, 1000 - 150 - 400);
});
