/**
 * Last line of defence for secrets in what the admin service shows or logs: Caddy's running config
 * carries the health key (`health_headers`) and maybe a DNS client secret, and error messages or
 * log lines may quote a config value. Known secret values are cut out of any text, fields whose
 * name says "secret" are masked whatever their value, and so are secret-looking query parameters
 * of logged URIs (a client key sent as `?api-key=…` is not a known value: only its hash is stored).
 */
import { MASK } from './secrets.js';
import { isRecord } from '../http-call.js';

const SECRET_FIELD = /secret|password|passwd|token|authorization|api[-_]?key|health_headers/i;
/** Shorter values would cut ordinary words out of messages. */
const MIN_SECRET_LENGTH = 6;

/**
 * Query parameters whose name says key, token, secret, password, sig, auth or code: the rule of
 * Caddy's access-log filter (caddy/partials/log-format.hbs), applied again to what the admin
 * shows, for lines written before the filter existed.
 */
const QUERY_SECRET = /([?&][^=&#]*(?:key|token|secret|password|passwd|sig|auth|code)[^=&#]*=)[^&#]*/gi;

/** `uri` with the values of secret-looking query parameters replaced by REDACTED. */
export function scrubQuerySecrets(uri: string): string {
  return uri.replace(QUERY_SECRET, '$1REDACTED');
}

/** `text` with every occurrence of a known secret replaced by `[redacted]`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= MIN_SECRET_LENGTH) out = out.split(s).join('[redacted]');
  return out;
}

/** A deep copy of `value` with secret-named fields masked and known secret values cut out of every string. */
export function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_FIELD.test(k)) out[k] = maskAll(v);
      else if (k === 'uri' && typeof v === 'string') out[k] = scrub(scrubQuerySecrets(v), secrets);
      else out[k] = redactDeep(v, secrets);
    }
    return out;
  }
  return value;
}

function maskAll(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? '' : MASK;
  if (Array.isArray(value)) return value.map(maskAll);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAll(v)]));
  return value;
}
