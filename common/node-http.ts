/**
 * Node's `http` module for ESM code that needs its values. `import … from 'node:http'` builds the
 * module's ESM namespace, which reads every export, lazy ones included: that loads Node's bundled
 * fetch/WebSocket implementation (about 4 MB of resident memory) into a process that never uses
 * it (docs/reports/performance-profile.md). `require` reads only what is used.
 */
import { createRequire } from 'node:module';

/** `node:http`, loaded without its ESM namespace. */
export const nodeHttp = createRequire(import.meta.url)('node:http') as typeof import('node:http');
