/**
 * Admin API tokens for curl and CI (`Authorization: Bearer gwadm_<id>_<secret>`): made with 256
 * random bits, shown once, stored as a SHA-256 hash (a slow hash adds nothing to a random secret of
 * that size), compared in constant time, always expiring (at most a year), revocable.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IdentityStore, StoredToken } from './identity-store.js';
import type { Principal } from './principal.js';
import type { AdminRole } from './roles.js';

/** Prefix of admin tokens, so a leaked one is recognisable (secret scanners). */
export const ADMIN_TOKEN_PREFIX = 'gwadm_';
/** The longest a token may live. */
export const MAX_TOKEN_DAYS = 366;
/** A token's last use is written at most this often (a CI loop must not rewrite the file per call). */
const LAST_USED_RESOLUTION_MS = 60_000;
const TOKEN_SHAPE = /^gwadm_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A new token and its stored record. */
export function newToken(
  name: string,
  role: AdminRole,
  expiresAt: Date,
  createdBy: string,
): { token: string; record: StoredToken } {
  const id = randomBytes(8).toString('hex');
  const token = `${ADMIN_TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return {
    token,
    record: {
      id,
      name,
      role,
      hash: sha256(token),
      createdBy,
      createdAt: new Date().toISOString(),
      expiresAt: expiresAt.toISOString(),
    },
  };
}

/** `active`, `expired` or `revoked` at `now`. */
export function tokenStatus(t: StoredToken, now = Date.now()): 'active' | 'expired' | 'revoked' {
  if (t.revokedAt) return 'revoked';
  return Date.parse(t.expiresAt) <= now ? 'expired' : 'active';
}

/** The token carried by `Authorization: Bearer`, or undefined when the header is something else. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** Why a bearer token is refused (shown to the caller), or its principal. */
export async function principalOfToken(
  store: IdentityStore,
  token: string,
): Promise<{ principal: Principal } | { refused: string }> {
  const m = TOKEN_SHAPE.exec(token);
  const record = m?.[1] ? await store.token(m[1]) : undefined;
  // The hash is compared even for an unknown id, so timing does not tell a known id from a guess.
  const expected = Buffer.from(record?.hash ?? sha256('no such token'), 'hex');
  const matches = timingSafeEqual(Buffer.from(sha256(token), 'hex'), expected);
  if (!record || !matches) return { refused: 'The admin API token is not valid.' };
  const status = tokenStatus(record);
  if (status === 'revoked')
    return { refused: `The admin API token "${record.name}" was revoked; ask an owner or operator for a new one.` };
  if (status === 'expired')
    return { refused: `The admin API token "${record.name}" expired at ${record.expiresAt}; create a new one.` };
  const now = Date.now();
  if (!record.lastUsedAt || now - Date.parse(record.lastUsedAt) > LAST_USED_RESOLUTION_MS)
    await store.touchToken(record.id, new Date(now).toISOString());
  return {
    principal: {
      kind: 'token',
      actor: `token:${record.id} ${record.name}`,
      role: record.role,
      display: record.name,
      tokenId: record.id,
    },
  };
}
