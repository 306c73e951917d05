/**
 * `make up` runs with SIMULATOR=1: the built-in Foundry simulator becomes an upstream with a
 * few demo models, so the first OpenAI SDK call works without an Azure account. Only added
 * when missing, so changes made in the admin UI survive restarts; only its loopback port follows
 * SIM_PORT. The image never sets it.
 */
import { readRuntimeEnv } from '../common/runtime-env.js';

type Json = Record<string, unknown>;

/** Demo models served by the simulator. */
export const SIMULATOR_MODELS = ['gpt-4o-mini', 'gpt-5-mini', 'text-embedding-3-small', 'gpt-image-1'];

/** Adds the `simulator` upstream and its demo models to `config` where absent. */
export function addSimulator(config: Json, env: NodeJS.ProcessEnv): void {
  const port = readRuntimeEnv(env).simPort;
  const upstreams = Array.isArray(config.upstreams) ? (config.upstreams as Json[]) : [];
  config.upstreams = upstreams;
  const baseUrl = `http://127.0.0.1:${port}`;
  const existing = upstreams.find((u) => u.name === 'simulator');
  if (!existing) {
    upstreams.push({
      name: 'simulator',
      baseUrl,
      auth: { mode: 'apiKey', apiKey: env.SIM_API_KEY ?? 'simulator-key' },
    });
  } else if (typeof existing.baseUrl === 'string' && /^http:\/\/127\.0\.0\.1:\d+\/?$/.test(existing.baseUrl)) {
    // The simulator listens on SIM_PORT of this start: a data dir from a run with another SIM_PORT
    // would otherwise send every demo request to a closed port (502). A baseUrl pointing anywhere
    // else was set by hand and is kept.
    existing.baseUrl = baseUrl;
  }
  const models = Array.isArray(config.models) ? (config.models as Json[]) : [];
  config.models = models;
  for (const id of SIMULATOR_MODELS) {
    if (!models.some((m) => m.id === id)) models.push({ id, upstream: 'simulator', targetModel: id });
  }
}
