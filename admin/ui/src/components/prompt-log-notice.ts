/**
 * The prompt log made visible (docs/telemetry.md, "Prompt and completion log"): a banner on the
 * overview and the models page while it is on, and a badge on every key and model it logs. Read
 * from the applied config, so it shows what the proxy does, not an unapplied draft.
 */
import { config } from '../config-state.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { alertBox } from './alerts.js';
import { badge } from './status.js';

/** The applied prompt-log settings, when the log is on. */
export interface PromptLogView {
  keys: string[];
  models: string[];
  maxAgeDays: number;
  maxTotalMiB: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The prompt log of `cfg` (default: the applied config) when it is enabled. */
export function promptLogOn(cfg: unknown = config.original): PromptLogView | undefined {
  const server = isObj(cfg) && isObj(cfg.server) ? cfg.server : undefined;
  const telemetry = server && isObj(server.telemetry) ? server.telemetry : undefined;
  const log = telemetry && isObj(telemetry.promptLog) ? telemetry.promptLog : undefined;
  if (!log || log.enabled !== true) return undefined;
  return {
    keys: strings(log.keys),
    models: strings(log.models),
    maxAgeDays: typeof log.maxAgeDays === 'number' ? log.maxAgeDays : 7,
    maxTotalMiB: typeof log.maxTotalMiB === 'number' ? log.maxTotalMiB : 256,
  };
}

/** The warning banner while the prompt log is on; null when it is off. */
export function promptLogBanner(): HTMLElement | null {
  const on = promptLogOn();
  if (!on) return null;
  const who = [
    on.keys.length ? t('promptLog.keys', { ids: on.keys.join(', ') }) : '',
    on.models.length ? t('promptLog.models', { ids: on.models.join(', ') }) : '',
  ]
    .filter(Boolean)
    .join(t('promptLog.and'));
  return h(
    'div',
    { 'data-prompt-log': 'on' },
    alertBox(
      'warn',
      h('strong', null, t('promptLog.bannerTitle')),
      h(
        'p',
        null,
        t('promptLog.bannerBody', { who: who || t('promptLog.nothing'), days: on.maxAgeDays, mib: on.maxTotalMiB }),
      ),
    ),
  );
}

/** A "prompts logged" badge for key or model `id` when the log covers it; null otherwise. */
export function promptLogBadge(what: 'key' | 'model', id: string): HTMLElement | null {
  const on = promptLogOn();
  if (!on || !(what === 'key' ? on.keys : on.models).includes(id)) return null;
  const b = badge(t('promptLog.badge'), 'warn');
  b.title = t('promptLog.badgeTitle', { what: t(what === 'key' ? 'promptLog.key' : 'promptLog.model') });
  b.dataset.promptLog = id;
  return b;
}
