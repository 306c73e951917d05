// renderPrometheus (prom-client): valid text format 0.0.4, exact counter values, histogram shape, escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROMETHEUS_CONTENT_TYPE, escapeLabelValue, renderPrometheus } from '../../proxy/observe/prometheus.js';
import { UsageStats, type UsageEvent } from '../../proxy/usage/stats.js';

const T0 = Date.UTC(2025, 0, 1);
const ev = (over: Partial<UsageEvent> = {}): UsageEvent => ({
  model: 'gpt-4o',
  keyId: 'k1',
  target: 'east',
  status: 200,
  latencyMs: 80,
  at: T0,
  ...over,
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE_LINE = new RegExp(
  `^(${NAME})(\\{${LABEL}(?:,${LABEL})*\\})? (NaN|[+-]Inf|-?\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)$`,
);
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;
const unescape = (v: string): string => v.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));

/**
 * A small checker of the text format: every line is HELP, TYPE or a sample; HELP and TYPE appear
 * once per family, before its samples; a family's samples are contiguous. Returns the samples.
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  assert.ok(text.endsWith('\n'), 'ends with a line feed');
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const finished = new Set<string>();
  const samples: Sample[] = [];
  let current = '';
  for (const line of text.slice(0, -1).split('\n')) {
    // prom-client separates families with an empty line, which the format allows.
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      assert.match(name, new RegExp(`^${NAME}$`));
      if (kind === 'HELP') {
        assert.ok(!helps.has(name), `one HELP for ${name}`);
        helps.add(name);
      } else {
        assert.ok(!types.has(name), `one TYPE for ${name}`);
        assert.match(rest, /^(counter|gauge|histogram|summary|untyped)$/);
        types.set(name, rest);
      }
      if (current !== name) finished.add(current);
      current = name;
      continue;
    }
    const m = SAMPLE_LINE.exec(line);
    assert.ok(m, `not a valid sample line: ${JSON.stringify(line)}`);
    const name = m[1] ?? '';
    const family = [...types.keys()].find(
      (f) => name === f || (types.get(f) === 'histogram' && /^(.*)_(bucket|sum|count)$/.exec(name)?.[1] === f),
    );
    assert.ok(family !== undefined && family === current, `sample ${name} outside its family block`);
    assert.ok(!finished.has(family));
    const labels: Record<string, string> = {};
    for (const [, k = '', v = ''] of (m[2] ?? '').matchAll(LABEL_PAIR)) labels[k] = unescape(v);
    const raw = m[3] ?? '';
    samples.push({ name, labels, value: raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw) });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

test('the checker rejects malformed lines (so it can fail)', () => {
  assert.throws(() => parseExposition('# TYPE x counter\nx{a="b} 1\n'));
  assert.throws(() => parseExposition('# TYPE x counter\nx{a="b"} one\n'));
  assert.throws(() => parseExposition('# TYPE x counter\n# TYPE x counter\nx 1\n'));
  assert.throws(() => parseExposition('# TYPE x counter\nx 1'));
});

test('counters carry exact per-series values by status class and token kind', async () => {
  const stats = new UsageStats({ now: () => T0 });
  for (const status of [200, 200, 201, 404, 429, 429, 429, 502]) stats.record(ev({ status }));
  stats.record(ev({ usage: { prompt: 11, completion: 7, total: 18, cached: 3, reasoning: 2 }, imageBytesSaved: 4096 }));
  stats.record(ev({ keyId: 'k2', target: undefined, status: 401 }));
  const text = await renderPrometheus(stats);
  const { samples, types } = parseExposition(text);
  assert.equal(types.get('gateway_requests_total'), 'counter');
  assert.equal(types.get('gateway_request_duration_seconds'), 'histogram');
  const s1 = { model: 'gpt-4o', key: 'k1', target: 'east' };
  assert.equal(value(samples, 'gateway_requests_total', { ...s1, status_class: '2xx' }), 4);
  assert.equal(value(samples, 'gateway_requests_total', { ...s1, status_class: '4xx' }), 1);
  assert.equal(value(samples, 'gateway_requests_total', { ...s1, status_class: '429' }), 3);
  assert.equal(value(samples, 'gateway_requests_total', { ...s1, status_class: '5xx' }), 1);
  assert.equal(value(samples, 'gateway_requests_total', { ...s1, status_class: 'other' }), 0);
  assert.equal(
    value(samples, 'gateway_requests_total', { model: 'gpt-4o', key: 'k2', target: '', status_class: '4xx' }),
    1,
  );
  assert.equal(value(samples, 'gateway_tokens_total', { ...s1, kind: 'prompt' }), 11);
  assert.equal(value(samples, 'gateway_tokens_total', { ...s1, kind: 'completion' }), 7);
  assert.equal(value(samples, 'gateway_tokens_total', { ...s1, kind: 'cached' }), 3);
  assert.equal(value(samples, 'gateway_tokens_total', { ...s1, kind: 'reasoning' }), 2);
  assert.equal(value(samples, 'gateway_image_bytes_saved_total', s1), 4096);
  assert.ok(text.includes('gateway_requests_total{model="gpt-4o",key="k1",target="east",status_class="2xx"} 4\n'));
});

test('the histogram is cumulative, ends with +Inf equal to _count, and _sum is in seconds', async () => {
  const stats = new UsageStats({ now: () => T0 });
  for (const latencyMs of [10, 50, 51, 400, 2000, 61_000]) stats.record(ev({ latencyMs }));
  const { samples } = parseExposition(await renderPrometheus(stats));
  const buckets = samples.filter((s) => s.name === 'gateway_request_duration_seconds_bucket');
  assert.deepEqual(
    buckets.map((b) => b.labels.le),
    ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '30', '60', '+Inf'],
  );
  assert.deepEqual(
    buckets.map((b) => b.value),
    [2, 3, 3, 4, 4, 5, 5, 5, 5, 5, 6],
  );
  assert.equal(value(samples, 'gateway_request_duration_seconds_count', {}), 6);
  assert.ok(Math.abs((value(samples, 'gateway_request_duration_seconds_sum', {}) ?? 0) - 63.511) < 1e-9);
});

test('hostile label values are escaped and parse back to the original', async () => {
  const hostile = 'evil"model\\name\nnext} 1\n# TYPE x';
  const stats = new UsageStats({ now: () => T0 });
  stats.record(ev({ model: hostile, keyId: 'k"\\', target: 'a\nb' }));
  const text = await renderPrometheus(stats);
  assert.ok(text.includes('model="evil\\"model\\\\name\\nnext} 1\\n# TYPE x",key="k\\"\\\\",target="a\\nb"'));
  const { samples } = parseExposition(text);
  assert.equal(
    value(samples, 'gateway_requests_total', { model: hostile, key: 'k"\\', target: 'a\nb', status_class: '2xx' }),
    1,
  );
  assert.equal(escapeLabelValue('\\"\n'), '\\\\\\"\\n');
});

test('extra gauges get one HELP/TYPE per name; bad names throw', async () => {
  const stats = new UsageStats({ now: () => T0 });
  const text = await renderPrometheus(stats, {
    gauges: [
      { name: 'gateway_upstream_healthy', help: 'Upstream health\nfrom Caddy', labels: { upstream: 'east' }, value: 1 },
      { name: 'gateway_usage_series', help: 'Series held', value: 0 },
      { name: 'gateway_upstream_healthy', help: 'ignored', labels: { upstream: 'we"st' }, value: 0 },
    ],
  });
  const { samples, types } = parseExposition(text);
  assert.equal(types.get('gateway_upstream_healthy'), 'gauge');
  assert.ok(text.includes('# HELP gateway_upstream_healthy Upstream health\\nfrom Caddy\n'));
  assert.equal(value(samples, 'gateway_upstream_healthy', { upstream: 'we"st' }), 0);
  assert.equal(value(samples, 'gateway_usage_series', {}), 0);
  await assert.rejects(
    () => renderPrometheus(stats, { gauges: [{ name: 'bad-name', help: '', value: 1 }] }),
    TypeError,
  );
  await assert.rejects(
    () => renderPrometheus(stats, { gauges: [{ name: 'ok', help: '', labels: { 'bad label': 'x' }, value: 1 }] }),
    TypeError,
  );
  await assert.rejects(
    () => renderPrometheus(stats, { gauges: [{ name: 'gateway_tokens_total', help: '', value: 1 }] }),
    TypeError,
  );
});

test('an empty store renders only the family headers, and the content type is 0.0.4', async () => {
  const text = await renderPrometheus(new UsageStats());
  assert.equal(parseExposition(text).samples.length, 0);
  // The five usage families and the time-to-first-byte histogram.
  assert.equal(text.split('\n').filter((l) => l.startsWith('# TYPE')).length, 6);
  assert.match(PROMETHEUS_CONTENT_TYPE, /version=0\.0\.4/);
});
