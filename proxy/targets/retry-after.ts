/**
 * How long Azure asks us to wait after a 429 or 503: `retry-after-ms` and `x-ms-retry-after-ms`
 * (milliseconds, Azure OpenAI), then `retry-after` (seconds or an HTTP date, RFC 9110 §10.2.3).
 */
type Headers = Record<string, string | string[] | undefined>;

function first(h: Headers, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Milliseconds to wait according to the response headers, or undefined when they say nothing. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = Number(first(headers, name));
    if (first(headers, name) !== undefined && Number.isFinite(v) && v >= 0) return v;
  }
  const ra = first(headers, 'retry-after')?.trim();
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra)) return Number(ra) * 1000;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter: a random wait in [0, min(max, base·2^attempt)]. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(random() * cap);
}
