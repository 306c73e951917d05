/** Are Caddy, the proxy and the admin service up, and what each runs. */
import { asText as str, isRecord } from '../../api.js';
import { card } from '../../components/card.js';
import { state } from '../../components/status.js';
import { facts } from '../../components/table.js';
import { h } from '../../dom.js';
import { dateTime, num, relative } from '../../format.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;
type Row = [string, string | HTMLElement];

function tile(name: string, st: HTMLElement, rows: Row[]): HTMLElement {
  return h('div', { class: 'tile' }, h('h3', null, name), st, facts(rows));
}

function caddyTile(caddy: Json | undefined, caddyErr: unknown): HTMLElement {
  const adminApi = isRecord(caddy?.adminApi) ? caddy.adminApi : {};
  const up = adminApi.reachable === true;
  const health =
    isRecord(caddy?.upstreams) && Array.isArray(caddy.upstreams.health) ? caddy.upstreams.health.filter(isRecord) : [];
  return tile(t('overview.caddy'), up ? state(t('state.running'), 'ok') : state(t('state.down'), 'error'), [
    [t('overview.adminApi'), str(adminApi.address)],
    [
      t('overview.healthCheck'),
      health.length
        ? h(
            'span',
            { class: 'health-list' },
            health.map((u) =>
              state(
                `${str(u.upstream)}: ${u.healthy ? t('state.healthy') : t('state.unhealthy')}`,
                u.healthy ? 'ok' : 'error',
              ),
            ),
          )
        : '—',
    ],
    ...(up
      ? []
      : ([[t('common.error'), str(adminApi.error) || (caddyErr instanceof Error ? caddyErr.message : '')]] as Row[])),
  ]);
}

function proxyTile(targets: Json | undefined, targetsErr: unknown): HTMLElement {
  const cfg = isRecord(targets?.config) ? targets.config : {};
  const st = targets
    ? targets.status === 'ready'
      ? state(t('state.ready'), 'ok')
      : state(t('state.notReady'), 'warn')
    : state(t('state.down'), 'error');
  return tile(t('overview.proxy'), st, [
    [t('overview.configLoaded'), cfg.loadedAt ? `${relative(str(cfg.loadedAt))}` : '—'],
    [t('overview.modelsUpstreams'), targets ? `${num(Number(cfg.models))} / ${num(Number(cfg.upstreams))}` : '—'],
    ...(targets
      ? targets.reason
        ? ([[t('common.reason'), str(targets.reason)]] as Row[])
        : []
      : ([[t('common.error'), targetsErr instanceof Error ? targetsErr.message : '']] as Row[])),
  ]);
}

function adminTile(version: Json | undefined): HTMLElement {
  return tile(t('overview.admin'), state(t('state.running'), 'ok'), [
    [t('overview.version'), str(version?.version) || '—'],
    [t('overview.node'), str(version?.node) || '—'],
    [t('overview.since'), version?.startedAt ? dateTime(str(version.startedAt)) : '—'],
  ]);
}

/** The three services' tiles. */
export function servicesCard(
  version: Json | undefined,
  targets: Json | undefined,
  targetsErr: unknown,
  caddy: Json | undefined,
  caddyErr: unknown,
): HTMLElement {
  return card(
    t('overview.services'),
    h(
      'div',
      { class: 'tiles tiles-3' },
      caddyTile(caddy, caddyErr),
      proxyTile(targets, targetsErr),
      adminTile(version),
    ),
  );
}
