/** Where the repository and its compiled output are, for code that runs from dist/. */
import path from 'node:path';

/** The repository root (this file runs as dist/test/harness/paths.js). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** The original project's sample config.json (test/fixtures), as its users have it. */
export const SAMPLE_CONFIG = path.join(REPO_ROOT, 'test/fixtures/seed-sample-config.json');

/** The compiled tree (`make build`, or `tsc -p bench|soak/tsconfig.json` in place). */
export const DIST_DIR = path.join(REPO_ROOT, 'dist');

/** A compiled entry point, e.g. `distFile('proxy/main.js')`. */
export function distFile(relative: string): string {
  return path.join(DIST_DIR, relative);
}
