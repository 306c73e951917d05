/**
 * pino options shared by the services: JSON lines, and redaction of every place a secret can
 * appear (client keys, upstream tokens, api-keys, admin passwords) so none is ever logged.
 */
import type { LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["api-key"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["api-key"]',
  '*.apiKey',
  '*.clientSecret',
  '*.password',
  '*.key',
  '*.healthKey',
  '*.access_token',
  '*.token',
];

/** Logger options for a service named `name` (level from LOG_LEVEL, default info). */
export function loggerOptions(name: string, level = process.env.LOG_LEVEL ?? 'info'): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: name },
  };
}
