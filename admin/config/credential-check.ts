/**
 * "Verify upstream credential": builds the upstream's credential exactly as the proxy does
 * (common/credentials/upstream-credentials.ts) and fetches an Entra ID token with it. The token itself is never
 * returned or logged, only its expiry. An api-key is tried by listing the upstream's models, a call
 * that is not billed (admin/config/model-list-probe.ts). `checked` says which of these happened.
 */
import type { Config } from '../../common/config/schema.js';
import { CredentialRegistry, effectiveAuth } from '../../common/credentials/upstream-credentials.js';
import { secretValues } from './secrets.js';
import { UpstreamNotFoundError } from '../errors.js';
import { scrub } from './redact.js';
import { modelListUrl, probeModelList } from './model-list-probe.js';

/** The outcome of one check. */
export interface CredentialCheck {
  upstream: string;
  mode: string;
  /** How the proxy authenticates, e.g. `managedIdentity(<client id>)` or `api-key`. */
  credential: string;
  ok: boolean;
  /** What was tried: a token fetched, the upstream's model list called with the key, or nothing. */
  checked: 'token' | 'modelList' | 'nothing';
  /** The upstream's HTTP status for the model list (checked = modelList, when it answered). */
  status?: number;
  /** How many models the upstream listed (checked = modelList, status 200). */
  models?: number;
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
    if (auth.mode === 'apiKey') return await keyCheck(base, upstream.baseUrl, headers, config);
    if (auth.mode === 'none' || Object.keys(headers).length === 0)
      return {
        ...base,
        ok: true,
        checked: 'nothing',
        message: 'No credential is sent to this upstream; nothing was tried.',
      };
    const state = credential.state();
    return {
      ...base,
      ok: true,
      checked: 'token',
      expiresAt: state.expiresAt,
      message: 'A token was issued for the configured scope. No call to the upstream was made with it.',
    };
  } catch (err) {
    return {
      ...base,
      ok: false,
      // An api-key that cannot even be read (none set) was never sent anywhere.
      checked: auth.mode === 'apiKey' ? 'nothing' : 'token',
      message: scrub(err instanceof Error ? err.message : String(err), secretValues(config)),
    };
  }
}

/** Lists the upstream's models with the key and reports the answer in words. */
async function keyCheck(
  base: Pick<CredentialCheck, 'upstream' | 'mode' | 'credential'>,
  baseUrl: string,
  headers: Record<string, string>,
  config: Config,
): Promise<CredentialCheck> {
  const answer = await probeModelList(baseUrl, headers);
  const url = modelListUrl(baseUrl);
  const secrets = secretValues(config);
  if (!answer.reached)
    return {
      ...base,
      ok: false,
      checked: 'modelList',
      message: scrub(`GET ${url} got no answer: ${answer.error}`, secrets),
    };
  const said = answer.azureMessage ? `: ${scrub(answer.azureMessage, secrets)}` : '';
  if (answer.status === 200)
    return {
      ...base,
      ok: true,
      checked: 'modelList',
      status: 200,
      ...(answer.models !== undefined ? { models: answer.models } : {}),
      message: `The upstream accepted the key: GET ${url} answered 200 with ${answer.models ?? 0} models.`,
    };
  const verdict =
    answer.status === 401 || answer.status === 403 ? 'The upstream refused the key' : 'The key could not be confirmed';
  return {
    ...base,
    ok: false,
    checked: 'modelList',
    status: answer.status,
    message: `${verdict}: GET ${url} answered ${answer.status}${said}`,
  };
}
