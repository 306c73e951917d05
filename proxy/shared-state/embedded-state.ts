/**
 * Shared state kept in the process and DATA_DIR, exactly as a single replica always kept it:
 * usage.json, response-affinity.json and stored-objects.json written every 30 s and at shutdown, governance.json once
 * a second (docs/architecture.md, "Files in DATA_DIR").
 */
import type { FastifyBaseLogger } from 'fastify';
import { EmbeddedLedger } from '../governance/embedded-ledger.js';
import { AFFINITY_MAX_ENTRIES, ResponseAffinity } from '../targets/response-affinity.js';
import { UsageStats } from '../usage/stats.js';
import type { SharedState } from './shared-state.js';

/** How often usage counters and affinity are written to DATA_DIR. */
export const USAGE_PERSIST_INTERVAL_MS = 30_000;

/** Where the embedded state keeps its files. */
export interface EmbeddedFiles {
  usageFile: string;
  affinityFile?: string;
  storedObjectsFile?: string;
  governanceFile?: string;
  /** Persist periodically (off in unit tests that inspect the files themselves). */
  autoPersist?: boolean;
}

/** Opens the embedded state, restoring it from DATA_DIR. */
export async function openEmbeddedState(files: EmbeddedFiles, log: FastifyBaseLogger): Promise<SharedState> {
  const usage = await UsageStats.load(files.usageFile, { logger: log });
  const governance = await EmbeddedLedger.open({ file: files.governanceFile, log });
  const affinity = new ResponseAffinity();
  if (files.affinityFile) await affinity.load(files.affinityFile, log);
  // Files and batches live until deleted: no expiry, only the size bound.
  const storedObjects = new ResponseAffinity(AFFINITY_MAX_ENTRIES, Date.now, Infinity);
  if (files.storedObjectsFile) await storedObjects.load(files.storedObjectsFile, log);
  if (files.autoPersist !== false) {
    usage.startAutoPersist(files.usageFile, USAGE_PERSIST_INTERVAL_MS);
    if (files.affinityFile) affinity.startAutoPersist(files.affinityFile, USAGE_PERSIST_INTERVAL_MS, log);
    if (files.storedObjectsFile)
      storedObjects.startAutoPersist(files.storedObjectsFile, USAGE_PERSIST_INTERVAL_MS, log);
  }
  return {
    usage,
    governance,
    affinity,
    storedObjects,
    usageView: () => Promise.resolve(usage),
    attach: () => Promise.resolve(),
    status: () => 'embedded',
    gauges: () => [],
    async close() {
      // stopAutoPersist() ends with a final write; without auto-persist, write once here.
      if (files.autoPersist !== false) await usage.stopAutoPersist();
      else await usage.persist(files.usageFile);
      if (files.affinityFile) await affinity.stop(files.affinityFile);
      if (files.storedObjectsFile) await storedObjects.stop(files.storedObjectsFile);
      await governance.close();
    },
  };
}
