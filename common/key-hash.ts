/** Client keys are stored as `sha256:<hex>`; this is the one place that format is made. */
import { createHash } from 'node:crypto';

/** The stored form of a client key. */
export function hashClientKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}
