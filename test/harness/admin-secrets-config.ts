/**
 * An admin stack without Caddy whose config holds a secret of every kind (health key, admin
 * password hash, a global client secret, a service principal's secret, api-keys, client key
 * hashes), for the config API's masking and refusal tests. Without Caddy nothing listens on its
 * admin address (admin-stack.ts), so any apply that gets as far as /adapt fails there.
 */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { hashClientKey } from '../../common/key-hash.js';
import { secretValues } from '../../admin/config/secrets.js';
import { startAdminStack, type AdminStack } from './admin-stack.js';

type Json = Record<string, unknown>;

/** The stack, every secret value in its config, and a check that its files are as they started. */
export interface SecretsStack {
  stack: AdminStack;
  secrets: string[];
  /** Asserts config.json is byte-identical to the start and no Caddyfile or backup was written. */
  unchangedFiles(): Promise<void>;
}

/** Starts the stack; it stops when `t` ends. */
export async function startSecretsStack(t: TestContext): Promise<SecretsStack> {
  const stack = await startAdminStack(t, {
    configure: (config) => {
      (config.auth as Json).clientSecret = 'global-client-secret-value';
      // Stored as hashes already: a file with plaintext keys is rewritten by its first save, never a no-op.
      config.apiKeys = (config.apiKeys as Json[]).map(({ key, ...rest }) => ({
        ...rest,
        keyHash: hashClientKey(String(key)),
      }));
      (config.upstreams as Json[]).push({
        name: 'sp',
        baseUrl: 'https://sp.invalid/',
        auth: { mode: 'servicePrincipal', tenantId: 't', clientId: 'c', clientSecret: 'sp-client-secret-value' },
      });
    },
  });
  const originalText = await readFile(stack.store.configFile, 'utf8');
  return {
    stack,
    secrets: secretValues(JSON.parse(originalText)),
    async unchangedFiles() {
      assert.equal(await readFile(stack.store.configFile, 'utf8'), originalText);
      await assert.rejects(stat(stack.store.caddyfile), /ENOENT/, 'no Caddyfile was written');
      await assert.rejects(stat(`${stack.store.configFile}.bak`), /ENOENT/, 'no backup was made');
    },
  };
}
