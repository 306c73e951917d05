/**
 * What the apply tests look at on an admin stack with Caddy: the steps of a successful apply, the
 * config and Caddyfile on disk with their backups, and the models served through Caddy.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { AdminStack } from './admin-stack.js';
import { CLIENT_KEY } from './proxy-harness.js';

type Json = Record<string, unknown>;

/** The steps of an apply that succeeds, in order. */
export const APPLY_STEPS = ['validate', 'render', 'caddy_adapt', 'write_files', 'proxy_reload', 'caddy_load'];

/** config.json, the Caddyfile and their .bak files as text (null when absent). */
export async function filesOnDisk(stack: AdminStack): Promise<Record<string, string | null>> {
  const read = (f: string) => readFile(f, 'utf8').catch(() => null);
  const { configFile, caddyfile } = stack.store;
  return {
    config: await read(configFile),
    configBak: await read(`${configFile}.bak`),
    caddyfile: await read(caddyfile),
    caddyfileBak: await read(`${caddyfile}.bak`),
  };
}

/** The model ids GET /v1/models answers through Caddy (for the site `servername`, default localhost). */
export async function modelIds(stack: AdminStack, servername?: string): Promise<string[]> {
  const r = await stack.viaCaddy('/v1/models', { key: CLIENT_KEY, servername });
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as { data: { id: string }[] }).data.map((m) => m.id);
}

/** A copy of `config` with one more model `id` on the foundry upstream. */
export function withModel(config: Json, id: string): Json {
  const next = structuredClone(config);
  (next.models as Json[]).push({ id, upstream: 'foundry', targetModel: `dep-${id}` });
  return next;
}
