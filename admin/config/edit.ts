/**
 * Turning what a client sent into the config to store: masked secrets take their stored values,
 * plaintext keys and passwords become hashes, the shared schema validates, and two configs are
 * compared by canonical JSON so an identical save is a no-op. Also the edits behind the
 * convenience endpoints (create a client key, revoke one).
 */
import { MAX_CONFIG_DEPTH, nestedDeeperThan } from '../../common/json-depth.js';
import { randomBytes } from 'node:crypto';
import type { ConfigIssue } from '../../common/config/errors.js';
import type { Config } from '../../common/config/schema.js';
import { validateConfig } from '../../common/config/validate.js';
import { MASK, hashPlaintextSecrets, unmaskSecrets } from './secrets.js';
import { InvalidConfigError, InvalidRequestError, KeyExistsError, KeyNotFoundError, withBody } from '../errors.js';
import { isRecord } from '../http-call.js';

/** A config ready to apply: what is written to disk and its validated form (defaults filled in). */
export interface PreparedConfig {
  raw: Record<string, unknown>;
  config: Config;
}

/** Throws the 400 `invalid_config` error carrying `issues`. */
export function invalidConfig(issues: ConfigIssue[], message = 'The config is invalid; see issues.'): never {
  throw withBody(new InvalidConfigError(message), { issues });
}

// unmaskSecrets names secrets by identity (`upstreams[name].auth.apiKey`); the API reports JSON pointers.
function pointerOf(identity: string, incoming: unknown): string {
  const m = /^(upstreams|apiKeys)\[([^\]]*)\]\.(.+)$/.exec(identity);
  if (!m) return `/${identity.split('.').join('/')}`;
  const [, list = '', id, rest = ''] = m;
  const items = isRecord(incoming) && Array.isArray(incoming[list]) ? (incoming[list] as unknown[]) : [];
  const idKey = list === 'upstreams' ? 'name' : 'id';
  const index = items.findIndex((e) => isRecord(e) && String(e[idKey]) === id);
  return `/${list}/${index}/${rest.split('.').join('/')}`;
}

/** `incoming` with every MASK replaced by the stored secret it stands for; an unknown MASK is a 400 issue. */
export function unmaskIncoming(incoming: unknown, storedRaw: unknown): unknown {
  if (!isRecord(incoming)) invalidConfig([{ path: '', message: 'must be a JSON object (the whole config)' }]);
  // Cloning and validating recurse: refuse absurd nesting as the client mistake it is.
  if (nestedDeeperThan(incoming, MAX_CONFIG_DEPTH)) invalidConfig([{ path: '', message: `nests deeper than ${MAX_CONFIG_DEPTH} levels; no setting is that deep` }]);
  const { config, unknownMasks } = unmaskSecrets(incoming, storedRaw);
  if (unknownMasks.length) {
    invalidConfig(
      unknownMasks.map((id) => ({ path: pointerOf(id, incoming), message: `is the mask "${MASK}" but no stored secret matches it: send the real value` })),
      'The config has masked secrets that match no stored secret; see issues.',
    );
  }
  return config;
}

/** Hashes plaintext secrets and validates; throws the 400 `invalid_config` error with every issue. */
export async function prepareConfig(raw: unknown): Promise<PreparedConfig> {
  const hashed = await hashPlaintextSecrets(raw);
  if (!isRecord(hashed)) invalidConfig([{ path: '', message: 'must be a JSON object' }]);
  const result = validateConfig(hashed);
  if (!result.ok) invalidConfig(result.issues);
  return { raw: hashed, config: result.config };
}

/** JSON with object keys sorted at every level, so equal configs compare equal as text. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (isRecord(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])]));
    return v;
  };
  return JSON.stringify(sort(value));
}

/** The validated form of stored JSON, or undefined when it does not validate. */
export function validatedOrUndefined(raw: unknown): Config | undefined {
  const result = validateConfig(raw);
  return result.ok ? result.config : undefined;
}

/** The text written to config.json. */
export function configFileText(raw: unknown): string {
  return `${JSON.stringify(raw, null, 2)}\n`;
}

/** What `POST /admin/api/keys` accepts. */
export interface NewKeyRequest {
  id?: string;
  label?: string;
  models?: string[];
}

/** Narrows the body of `POST /admin/api/keys`; throws a 400 naming the bad field. */
export function parseNewKeyRequest(body: unknown): NewKeyRequest {
  if (body === undefined || body === null) return {};
  if (!isRecord(body)) throw new InvalidRequestError('The body must be a JSON object: {id?, label?, models?}.');
  for (const field of Object.keys(body)) {
    if (!['id', 'label', 'models'].includes(field)) throw new InvalidRequestError(`Unknown field "${field}": send {id?, label?, models?}.`);
  }
  const { id, label, models } = body;
  if (id !== undefined && typeof id !== 'string') throw new InvalidRequestError('"id" must be a string.');
  if (label !== undefined && typeof label !== 'string') throw new InvalidRequestError('"label" must be a string.');
  if (models !== undefined && !(Array.isArray(models) && models.every((m) => typeof m === 'string'))) {
    throw new InvalidRequestError('"models" must be a list of model ids.');
  }
  return { id, label, models: models as string[] | undefined };
}

function apiKeysOf(raw: unknown): { copy: Record<string, unknown>; keys: Record<string, unknown>[] } {
  if (!isRecord(raw)) invalidConfig([{ path: '', message: 'the stored config is not a JSON object; fix it with PUT /admin/api/config' }]);
  const copy = structuredClone(raw);
  if (copy.apiKeys === undefined) copy.apiKeys = [];
  if (!Array.isArray(copy.apiKeys)) invalidConfig([{ path: '/apiKeys', message: 'must be a list' }]);
  return { copy, keys: (copy.apiKeys as unknown[]).filter(isRecord) };
}

/** `storedRaw` plus a new active key entry holding only `keyHash`; the new entry's id is returned. */
export function withNewKey(storedRaw: unknown, req: NewKeyRequest, keyHash: string, now = new Date()): { raw: Record<string, unknown>; id: string } {
  const { copy, keys } = apiKeysOf(storedRaw);
  const id = req.id ?? `key-${randomBytes(4).toString('hex')}`;
  if (keys.some((k) => k.id === id)) throw new KeyExistsError(id);
  const entry: Record<string, unknown> = { id, keyHash, status: 'active', createdAt: now.toISOString() };
  if (req.label !== undefined) entry.label = req.label;
  if (req.models !== undefined) entry.models = req.models;
  (copy.apiKeys as unknown[]).push(entry);
  return { raw: copy, id };
}

/** `storedRaw` with key `id` disabled (revoked); 404 when there is no such key. */
export function withKeyDisabled(storedRaw: unknown, id: string): Record<string, unknown> {
  const { copy, keys } = apiKeysOf(storedRaw);
  const entry = keys.find((k) => k.id === id);
  if (!entry) throw new KeyNotFoundError(id);
  entry.status = 'disabled';
  return copy;
}
