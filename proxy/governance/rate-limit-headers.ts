/**
 * OpenAI's rate-limit headers for a key with minute limits: `x-ratelimit-{limit,remaining,reset}-
 * {requests,tokens}` describe the key's own limits, and Azure's values of the same names move to
 * `x-upstream-ratelimit-*` so they stay visible without contradicting ours (docs/governance.md).
 */
import type { RateLimitView } from './state.js';

/** A duration as OpenAI writes it in reset headers: `1s`, `6m0s`, `250ms`. */
export function resetDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const totalSeconds = Math.ceil(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** The gateway's own headers for `view` (none for a key without minute limits). */
export function rateLimitHeaders(view: RateLimitView): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const v = view[kind];
    if (!v) continue;
    out[`x-ratelimit-limit-${kind}`] = String(v.limit);
    out[`x-ratelimit-remaining-${kind}`] = String(v.remaining);
    out[`x-ratelimit-reset-${kind}`] = resetDuration(v.resetMs);
  }
  return out;
}

/** Renames Azure's x-ratelimit-* in `headers` to x-upstream-ratelimit-* (in place). */
export function moveUpstreamRateLimitHeaders(
  headers: Record<string, unknown>,
  rename: (from: string, to: string) => void,
): void {
  for (const name of Object.keys(headers)) {
    if (name.startsWith('x-ratelimit-')) rename(name, `x-upstream-${name.slice(2)}`);
  }
}
