/**
 * The edits behind the key endpoints: create a key (only its hash is stored), change its
 * metadata, limits and budget, rotate its secret with a grace period in which the previous one
 * still works, and revoke it. Each returns the next raw config; the caller saves it through the
 * apply transaction, where the schema checks every value.
 */
import { randomBytes } from 'node:crypto';
import { hashClientKey } from '../../common/key-hash.js';
import { InvalidRequestError, KeyExistsError, KeyNotFoundError } from '../errors.js';
import { applyFields, pickFields, withList } from './edit.js';

/** What a key carries besides its id, secret and status: the fields the key endpoints set and list. */
export const KEY_METADATA_FIELDS = [
  'label',
  'models',
  'team',
  'owner',
  'tags',
  'expiresAt',
  'limits',
  'budget',
] as const;
/** Fields `POST /admin/api/keys` accepts. */
export const NEW_KEY_FIELDS = ['id', ...KEY_METADATA_FIELDS] as const;
/** Fields `PATCH /admin/api/keys/{id}` accepts (`null` removes one). */
export const KEY_EDIT_FIELDS = [...KEY_METADATA_FIELDS, 'status'] as const;
/** The longest rotation grace period: 30 days. */
export const MAX_GRACE_SECONDS = 30 * 24 * 3600;
const MAX_PREVIOUS_KEYS = 8;

/** Narrows the body of `POST /admin/api/keys`. */
export function parseNewKey(body: unknown): Record<string, unknown> {
  const fields = pickFields(body, NEW_KEY_FIELDS);
  if (fields.id !== undefined && typeof fields.id !== 'string') throw new InvalidRequestError('"id" must be a string.');
  return fields;
}

/** Narrows the body of `PATCH /admin/api/keys/{id}`. */
export function parseKeyEdit(body: unknown): Record<string, unknown> {
  const fields = pickFields(body, KEY_EDIT_FIELDS);
  if (Object.keys(fields).length === 0)
    throw new InvalidRequestError(`Send at least one of ${KEY_EDIT_FIELDS.join(', ')}.`);
  return fields;
}

/** The grace period of `POST /admin/api/keys/{id}/rotate` in seconds (0 when absent). */
export function parseGraceSeconds(body: unknown): number {
  const { graceSeconds } = pickFields(body, ['graceSeconds']);
  if (graceSeconds === undefined) return 0;
  if (
    typeof graceSeconds !== 'number' ||
    !Number.isInteger(graceSeconds) ||
    graceSeconds < 0 ||
    graceSeconds > MAX_GRACE_SECONDS
  ) {
    throw new InvalidRequestError(
      `"graceSeconds" must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS} (30 days).`,
    );
  }
  return graceSeconds;
}

/** `storedRaw` plus a new active key holding only `keyHash`; the new entry's id is returned. */
export function withNewKey(
  storedRaw: unknown,
  fields: Record<string, unknown>,
  keyHash: string,
  now = new Date(),
): { raw: Record<string, unknown>; id: string } {
  const { copy, items } = withList(storedRaw, 'apiKeys');
  const id = typeof fields.id === 'string' ? fields.id : `key-${randomBytes(4).toString('hex')}`;
  if (items.some((k) => k.id === id)) throw new KeyExistsError(id);
  const entry: Record<string, unknown> = { id, keyHash, status: 'active', createdAt: now.toISOString() };
  applyFields(entry, { ...fields, id });
  (copy.apiKeys as unknown[]).push(entry);
  return { raw: copy, id };
}

function findKey(storedRaw: unknown, id: string) {
  const { copy, items } = withList(storedRaw, 'apiKeys');
  const entry = items.find((k) => k.id === id);
  if (!entry) throw new KeyNotFoundError(id);
  return { copy, entry };
}

/** `storedRaw` with key `id`'s fields changed; 404 when there is no such key. */
export function withKeyEdited(
  storedRaw: unknown,
  id: string,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const { copy, entry } = findKey(storedRaw, id);
  applyFields(entry, changes);
  return copy;
}

/** `storedRaw` with key `id` disabled (revoked); 404 when there is no such key. */
export function withKeyDisabled(storedRaw: unknown, id: string): Record<string, unknown> {
  return withKeyEdited(storedRaw, id, { status: 'disabled' });
}

/**
 * `storedRaw` with key `id` given the secret hashed as `newHash`; its current secret stays valid
 * for `graceSeconds` (none: it stops at once). Expired previous secrets are dropped.
 */
export function withKeyRotated(
  storedRaw: unknown,
  id: string,
  newHash: string,
  graceSeconds: number,
  now = new Date(),
): { raw: Record<string, unknown>; validUntil?: string } {
  const { copy, entry } = findKey(storedRaw, id);
  const current =
    typeof entry.keyHash === 'string'
      ? entry.keyHash
      : typeof entry.key === 'string'
        ? hashClientKey(entry.key)
        : undefined;
  const previous = (Array.isArray(entry.previousKeys) ? entry.previousKeys : []).filter(
    (p: unknown) =>
      typeof p === 'object' &&
      p !== null &&
      Date.parse(String((p as { validUntil?: unknown }).validUntil)) > now.getTime(),
  );
  let validUntil: string | undefined;
  if (graceSeconds > 0 && current) {
    validUntil = new Date(now.getTime() + graceSeconds * 1000).toISOString();
    previous.push({ keyHash: current, validUntil });
  }
  if (previous.length) entry.previousKeys = previous.slice(-MAX_PREVIOUS_KEYS);
  else delete entry.previousKeys;
  entry.keyHash = newHash;
  delete entry.key;
  return { raw: copy, validUntil };
}
