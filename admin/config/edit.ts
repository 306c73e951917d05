/**
 * Turning what a client sent into the config to store: masked secrets take their stored values,
 * plaintext keys and passwords become hashes, the shared schema validates, and two configs are
 * compared by canonical JSON so an identical save is a no-op. The edits behind the key and team
 * endpoints are in key-edits.ts and team-edits.ts.
 */
import { MAX_CONFIG_DEPTH, nestedDeeperThan } from '../../common/json-depth.js';
import type { ConfigIssue } from '../../common/config/errors.js';
import type { Config } from '../../common/config/schema.js';
import { validateConfig } from '../../common/config/validate.js';
import { MASK, hashPlaintextSecrets, unmaskSecrets } from './secrets.js';
import { InvalidConfigError, InvalidRequestError, withBody } from '../errors.js';
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
  if (nestedDeeperThan(incoming, MAX_CONFIG_DEPTH))
    invalidConfig([{ path: '', message: `nests deeper than ${MAX_CONFIG_DEPTH} levels; no setting is that deep` }]);
  const { config, unknownMasks, movedMasks } = unmaskSecrets(incoming, storedRaw);
  if (unknownMasks.length || movedMasks.length) {
    invalidConfig(
      [
        ...unknownMasks.map((id) => ({
          path: pointerOf(id, incoming),
          message: `is the mask "${MASK}" but no stored secret matches it: send the real value`,
        })),
        // A stored secret never follows a changed destination (admin/config/secret-destinations.ts).
        ...movedMasks.map((id) => ({
          path: pointerOf(id, incoming),
          message: `is the mask "${MASK}", but where this secret is sent has changed (scheme, host or port of an upstream, the sign-in authority, or the DNS tenant): enter the secret again`,
        })),
      ],
      'The config has masked secrets that cannot keep their stored value; see issues.',
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
    if (isRecord(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort(v[k])]),
      );
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

/** A copy of `raw` with its list `name` (created when absent); a 400 when the stored config is not an object. */
export function withList(
  raw: unknown,
  name: 'apiKeys' | 'teams',
): { copy: Record<string, unknown>; items: Record<string, unknown>[] } {
  if (!isRecord(raw))
    invalidConfig([{ path: '', message: 'the stored config is not a JSON object; fix it with PUT /admin/api/config' }]);
  const copy = structuredClone(raw);
  if (copy[name] === undefined) copy[name] = [];
  if (!Array.isArray(copy[name])) invalidConfig([{ path: `/${name}`, message: 'must be a list' }]);
  return { copy, items: (copy[name] as unknown[]).filter(isRecord) };
}

/**
 * The fields of a request body restricted to `allowed`; a 400 naming an unknown field. Values are
 * checked by the config schema when the edited config is validated (field errors by JSON pointer).
 */
export function pickFields(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (!isRecord(body))
    throw new InvalidRequestError(`The body must be a JSON object with some of: ${allowed.join(', ')}.`);
  for (const field of Object.keys(body)) {
    if (!allowed.includes(field))
      throw new InvalidRequestError(`Unknown field "${field}": send some of ${allowed.join(', ')}.`);
  }
  return body;
}

/** Sets each field of `changes` on `entry`; `null` removes it. */
export function applyFields(entry: Record<string, unknown>, changes: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(changes)) {
    if (value === null) delete entry[field];
    else entry[field] = value;
  }
}
