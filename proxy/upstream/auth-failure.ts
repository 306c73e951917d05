/**
 * An upstream that refuses the gateway's own credential (401/403) is the gateway's problem, not
 * the client's: it becomes a 502 naming the upstream, with Azure's reason, never the client's 401.
 */
import { UpstreamCredentialError } from '../errors.js';

/** The 502 for an upstream that refused the gateway's credential (401/403), with Azure's reason. */
export function upstreamAuthFailure(upstreamName: string, status: number, bodyText: string): Error {
  let reason = bodyText.slice(0, 300);
  try {
    const parsed = JSON.parse(bodyText) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') reason = parsed.error.message;
  } catch {
    // Not JSON: keep the start of the text.
  }
  return new UpstreamCredentialError(upstreamName, `the upstream answered ${status}: ${reason}`);
}
