/**
 * Client authentication: which key was presented, and is it one of ours. Keys are compared as
 * SHA-256 digests with `timingSafeEqual` against every entry, so neither the key nor which entry
 * matched can be learned from response timing. A rotated key's previous secrets stay accepted
 * until their `validUntil` (docs/governance.md, "Key lifecycle"), checked at each request so the
 * grace period ends to the second.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyEntry, Config } from '../../common/config/schema.js';

/** Who is calling: a client key entry, or the health-check key. */
export type Caller = { kind: 'client'; entry: ApiKeyEntry } | { kind: 'health' };

interface StoredKey {
  digest: Buffer;
  entry: ApiKeyEntry | undefined; // undefined = the health key
  /** Epoch ms after which this secret is refused (a previous secret of a rotated key). */
  validUntil: number;
}

function digestOf(key: string): Buffer {
  // crypto.hash: one call, no Hash object per request (this runs on every request).
  return hash('sha256', key, 'buffer');
}

function digestOfEntry(entry: ApiKeyEntry): Buffer {
  if (entry.keyHash) return Buffer.from(entry.keyHash.slice('sha256:'.length), 'hex');
  return digestOf(entry.key ?? '');
}

/** The key presented by the request: `Authorization: Bearer`, `api-key` or `x-api-key`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1].trim();
  }
  for (const name of ['api-key', 'x-api-key'] as const) {
    const v = headers[name];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}

// OpenAI's browser clients cannot set headers on a WebSocket: they put the key in a subprotocol.
const KEY_PROTOCOL = 'openai-insecure-api-key.';

/** Subprotocols that carry a credential: never echoed, never sent upstream. */
export function isCredentialProtocol(protocol: string): boolean {
  return protocol.startsWith(KEY_PROTOCOL);
}

/**
 * The key of a WebSocket upgrade: the headers first, then the browser forms — Azure's `api-key`
 * query parameter and OpenAI's `openai-insecure-api-key.<key>` subprotocol.
 */
export function presentedUpgradeKey(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const fromHeaders = presentedKey(headers);
  if (fromHeaders) return fromHeaders;
  const fromQuery = query.get('api-key')?.trim();
  if (fromQuery) return fromQuery;
  const protocols = String(headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const carried = protocols.find(isCredentialProtocol);
  return carried ? carried.slice(KEY_PROTOCOL.length) || undefined : undefined;
}

/** The keys of one config snapshot, ready for constant-time lookup. */
export class KeyRing {
  private readonly keys: StoredKey[];

  constructor(config: Readonly<Config>, extraHealthKeys: readonly string[] = []) {
    this.keys = config.apiKeys.map((entry) => ({ digest: digestOfEntry(entry), entry, validUntil: Infinity }));
    for (const entry of config.apiKeys) {
      for (const previous of entry.previousKeys ?? []) {
        this.keys.push({
          digest: Buffer.from(previous.keyHash.slice('sha256:'.length), 'hex'),
          entry,
          validUntil: Date.parse(previous.validUntil),
        });
      }
    }
    const healthKeys = [config.server.healthKey, ...extraHealthKeys].filter((k): k is string => !!k);
    for (const k of new Set(healthKeys))
      this.keys.push({ digest: digestOf(k), entry: undefined, validUntil: Infinity });
  }

  /** The caller owning `key`, or undefined. Every stored key is compared, whatever matches. */
  identify(key: string, now = Date.now()): Caller | undefined {
    const d = digestOf(key);
    let found: StoredKey | undefined;
    for (const stored of this.keys) {
      if (timingSafeEqual(stored.digest, d) && !found && now < stored.validUntil) found = stored;
    }
    if (!found) return undefined;
    return found.entry ? { kind: 'client', entry: found.entry } : { kind: 'health' };
  }
}
