/**
 * "Verify upstream credential": builds the upstream's credential exactly as the proxy does
 * (common/credentials/upstream-credentials.ts) and fetches an Entra ID token with it. The token itself is never
 * returned or logged, only its expiry. An api-key is only reported as set: checking it would
 * mean calling the model, a billable request.
 */
import type { Config } from '../../common/config/schema.js';
import { CredentialRegistry, effectiveAuth } from '../../common/credentials/upstream-credentials.js';
import { secretValues } from './secrets.js';
import { UpstreamNotFoundError } from '../errors.js';
import { scrub } from './redact.js';

/** The outcome of one check. */
export interface CredentialCheck {
  upstream: string;
  mode: string;
  /** How the proxy authenticates, e.g. `managedIdentity(<client id>)` or `api-key`. */
  credential: string;
  ok: boolean;
  /** Expiry of the token just fetched (Entra modes). */
  expiresAt?: string;
  message: string;
}

interface Logger {
  warn(obj: object, msg: string): void;
}

/** Checks the credential of upstream `name` of `config`; 404 when there is no such upstream. */
export async function verifyUpstreamCredential(config: Config, name: string, log: Logger): Promise<CredentialCheck> {
  const upstream = config.upstreams.find((u) => u.name === name);
  if (!upstream) throw new UpstreamNotFoundError(name);
  const auth = effectiveAuth(config, upstream);
  // A registry of this one upstream: the same construction code as the proxy, with a fresh token
  // cache, so the check really fetches instead of reporting the proxy's cached state.
  const registry = new CredentialRegistry(log);
  registry.update({ ...config, upstreams: [upstream] });
  const credential = registry.get(name);
  if (!credential) throw new UpstreamNotFoundError(name);
  const base = { upstream: name, mode: auth.mode, credential: credential.description };
  try {
    const headers = await credential.headers();
    if (auth.mode === 'apiKey')
      return {
        ...base,
        ok: true,
        message:
          'An api-key is set; it is sent as the api-key header. It was not tried against Azure (that would be a billable call).',
      };
    if (auth.mode === 'none' || Object.keys(headers).length === 0)
      return { ...base, ok: true, message: 'No credential is sent to this upstream.' };
    const state = credential.state();
    return { ...base, ok: true, expiresAt: state.expiresAt, message: 'A token was issued for the configured scope.' };
  } catch (err) {
    return {
      ...base,
      ok: false,
      message: scrub(err instanceof Error ? err.message : String(err), secretValues(config)),
    };
  }
}
