/** English texts about telemetry and the prompt log (part of i18n-en.ts). */
export const enTelemetry = {
  'promptLog.bannerTitle': 'Prompt logging is on',
  'promptLog.bannerBody':
    'Prompts and completions of {who} are written, redacted, to DATA_DIR/prompt-log and kept up to {days} days or {mib} MiB. Turn it off under server.telemetry.promptLog in Settings when it is no longer needed.',
  'promptLog.keys': 'keys {ids}',
  'promptLog.models': 'models {ids}',
  'promptLog.and': ' and ',
  'promptLog.nothing': 'no key or model yet',
  'promptLog.badge': 'prompts logged',
  'promptLog.badgeTitle': 'Prompts and completions of this {what} are written to the prompt log',
  'promptLog.key': 'key',
  'promptLog.model': 'model',
} as const;
