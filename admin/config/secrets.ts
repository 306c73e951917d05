/**
 * Secrets in config.json: which fields they are, how they are hidden from the admin API, how a
 * masked value sent back keeps the stored one, and how plaintext client keys and admin
 * passwords of the original format become hashes.
 */
import { hashClientKey } from '../../common/key-hash.js';
import { hashPassword } from '../../common/password-hash.js';
import { destinationChanged, secretDestinations } from './secret-destinations.js';

/** What the admin API shows instead of a secret. Sending it back means "unchanged". */
export const MASK = '********';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

// Secret fields of one auth block (global `auth`, `upstreams[].auth`, ACME Azure DNS).
const AUTH_SECRETS = ['clientSecret', 'apiKey'] as const;

/**
 * Visits every secret field of a config-shaped object. `locate` names each secret by a stable
 * identity (upstream name, key id) rather than array index, so a reordered array still
 * matches its stored secrets.
 */
function forEachSecret(config: Json, visit: (holder: Json, field: string, identity: string) => void): void {
  const server = isObject(config.server) ? config.server : undefined;
  if (server) {
    if ('healthKey' in server) visit(server, 'healthKey', 'server.healthKey');
    const adminAuth = isObject(server.adminAuth) ? server.adminAuth : undefined;
    if (adminAuth)
      for (const f of ['password', 'passwordHash']) if (f in adminAuth) visit(adminAuth, f, `server.adminAuth.${f}`);
    const oidc = adminAuth && isObject(adminAuth.oidc) ? adminAuth.oidc : undefined;
    if (oidc && 'clientSecret' in oidc) visit(oidc, 'clientSecret', 'server.adminAuth.oidc.clientSecret');
    const caddy = isObject(server.caddy) ? server.caddy : undefined;
    const acme = caddy && isObject(caddy.acme) ? caddy.acme : undefined;
    const azure = acme && isObject(acme.azure) ? acme.azure : undefined;
    if (azure && 'clientSecret' in azure) visit(azure, 'clientSecret', 'server.caddy.acme.azure.clientSecret');
    // The Application Insights connection string carries the ingestion key of the resource.
    const telemetry = isObject(server.telemetry) ? server.telemetry : undefined;
    const monitor = telemetry && isObject(telemetry.azureMonitor) ? telemetry.azureMonitor : undefined;
    if (monitor && 'connectionString' in monitor)
      visit(monitor, 'connectionString', 'server.telemetry.azureMonitor.connectionString');
  }
  if (isObject(config.auth)) for (const f of AUTH_SECRETS) if (f in config.auth) visit(config.auth, f, `auth.${f}`);
  if (Array.isArray(config.upstreams)) {
    for (const u of config.upstreams) {
      if (!isObject(u) || !isObject(u.auth)) continue;
      for (const f of AUTH_SECRETS) if (f in u.auth) visit(u.auth, f, `upstreams[${String(u.name)}].auth.${f}`);
    }
  }
  if (Array.isArray(config.apiKeys)) {
    for (const k of config.apiKeys) {
      if (!isObject(k)) continue;
      for (const f of ['key', 'keyHash']) if (f in k) visit(k, f, `apiKeys[${String(k.id)}].${f}`);
    }
  }
}

/** A deep copy of `config` with every non-empty secret replaced by MASK. */
export function maskSecrets<T>(config: T): T {
  const copy = structuredClone(config) as unknown;
  if (isObject(copy)) {
    forEachSecret(copy, (holder, field) => {
      if (typeof holder[field] === 'string' && holder[field] !== '') holder[field] = MASK;
    });
  }
  return copy as T;
}

/**
 * A deep copy of `incoming` where every field still equal to MASK takes the stored value of the
 * same secret in `stored`. A MASK with no stored counterpart is an error, and so is one whose
 * secret would now be sent somewhere else (secret-destinations.ts); both are returned as names.
 */
export function unmaskSecrets(
  incoming: unknown,
  stored: unknown,
): { config: unknown; unknownMasks: string[]; movedMasks: string[] } {
  const copy = structuredClone(incoming);
  const known = new Map<string, unknown>();
  if (isObject(stored)) forEachSecret(stored, (holder, field, id) => known.set(id, holder[field]));
  const unknownMasks: string[] = [];
  const movedMasks: string[] = [];
  const storedPlaces = secretDestinations(stored);
  const nextPlaces = secretDestinations(copy);
  if (isObject(copy)) {
    forEachSecret(copy, (holder, field, id) => {
      if (holder[field] !== MASK) return;
      if (!known.has(id)) unknownMasks.push(id);
      else if (destinationChanged(id, nextPlaces, storedPlaces)) movedMasks.push(id);
      else holder[field] = known.get(id);
    });
  }
  return { config: copy, unknownMasks, movedMasks };
}

/**
 * Replaces plaintext client keys with `keyHash` and a plaintext admin password with
 * `passwordHash` (`init` and every admin save do this: docs/architecture.md, "Config contract"). Returns a new object.
 */
export async function hashPlaintextSecrets<T>(config: T): Promise<T> {
  const copy = structuredClone(config) as unknown;
  if (!isObject(copy)) return copy as T;
  if (Array.isArray(copy.apiKeys)) {
    for (const k of copy.apiKeys) {
      if (isObject(k) && typeof k.key === 'string' && k.key !== '' && k.key !== MASK) {
        k.keyHash = hashClientKey(k.key);
        delete k.key;
      }
    }
  }
  const server = isObject(copy.server) ? copy.server : undefined;
  const adminAuth = server && isObject(server.adminAuth) ? server.adminAuth : undefined;
  if (adminAuth && typeof adminAuth.password === 'string' && adminAuth.password !== '' && adminAuth.password !== MASK) {
    adminAuth.passwordHash = await hashPassword(adminAuth.password);
    delete adminAuth.password;
  }
  return copy as T;
}

/** Every non-empty secret value in `config`, for log-leak checks in tests and redaction. */
export function secretValues(config: unknown): string[] {
  const out: string[] = [];
  if (isObject(config)) {
    forEachSecret(config, (holder, field) => {
      const v = holder[field];
      if (typeof v === 'string' && v !== '' && v !== MASK) out.push(v);
    });
  }
  return out;
}
