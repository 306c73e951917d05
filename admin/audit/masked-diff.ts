/**
 * The audit diff of a config change with secrets masked: compared in clear (so a changed secret
 * shows as a change), then every secret value of either config, and every field named like a
 * secret, is replaced by the mask in what is recorded.
 */
import { redactDeep } from '../config/redact.js';
import { secretValues } from '../config/secrets.js';
import { configDiff, type ConfigChange } from './config-diff.js';

/** The changes from `before` to `after` (raw configs), safe to write to the audit log. */
export function maskedConfigDiff(before: unknown, after: unknown): { changes: ConfigChange[]; total: number } {
  const { changes, total } = configDiff(before, after);
  const secrets = [...secretValues(before), ...secretValues(after)];
  return { changes: redactDeep(changes, secrets) as ConfigChange[], total };
}
