/**
 * `make up` runs with SIMULATOR=1: the built-in Foundry simulator becomes an upstream with a
 * few demo models, so the first OpenAI SDK call works without an Azure account. Only added
 * when missing, so changes made in the admin UI survive restarts. The image never sets it.
 */
type Json = Record<string, unknown>;

/** Demo models served by the simulator. */
export const SIMULATOR_MODELS = ['gpt-4o-mini', 'gpt-5-mini', 'text-embedding-3-small', 'gpt-image-1'];

/** Adds the `simulator` upstream and its demo models to `config` where absent. */
export function addSimulator(config: Json, env: NodeJS.ProcessEnv): void {
  const port = env.SIM_PORT ?? '3003';
  const upstreams = Array.isArray(config.upstreams) ? (config.upstreams as Json[]) : [];
  config.upstreams = upstreams;
  if (!upstreams.some((u) => u.name === 'simulator')) {
    upstreams.push({ name: 'simulator', baseUrl: `http://127.0.0.1:${port}`, auth: { mode: 'apiKey', apiKey: env.SIM_API_KEY ?? 'simulator-key' } });
  }
  const models = Array.isArray(config.models) ? (config.models as Json[]) : [];
  config.models = models;
  for (const id of SIMULATOR_MODELS) {
    if (!models.some((m) => m.id === id)) models.push({ id, upstream: 'simulator', targetModel: id });
  }
}
