/**
 * Overview: are Caddy, the proxy and the admin service up; what Caddy runs; each domain's
 * certificate; each upstream's credential and each target's state; the last 24 hours at a glance.
 */
import { getJson, isRecord } from '../api.js';
import { config } from '../config-state.js';
import { h, icon, mount } from '../dom.js';
import { dateTime, daysLeft, ms, num, percent, relative } from '../format.js';
import { t } from '../i18n.js';
import type { Page } from '../page.js';
import { badge, busyWith, card, copyButton, empty, errorBox, facts, loading, pageHeader, state, table } from '../ui.js';

type Json = Record<string, unknown>;
const REFRESH_MS = 30_000;

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function settled<T>(r: PromiseSettledResult<T>): T | undefined {
  return r.status === 'fulfilled' ? r.value : undefined;
}

function servicesCard(version: Json | undefined, targets: Json | undefined, targetsErr: unknown, caddy: Json | undefined, caddyErr: unknown): HTMLElement {
  const adminApi = isRecord(caddy?.adminApi) ? caddy.adminApi : {};
  const caddyUp = adminApi.reachable === true;
  const health = isRecord(caddy?.upstreams) && Array.isArray(caddy.upstreams.health) ? caddy.upstreams.health.filter(isRecord) : [];
  const proxyReady = targets?.status === 'ready';
  const cfg = isRecord(targets?.config) ? targets.config : {};
  const tile = (name: string, st: HTMLElement, rows: [string, string | HTMLElement][]) =>
    h('div', { class: 'tile' }, h('h3', null, name), st, facts(rows));
  return card(
    t('overview.services'),
    h(
      'div',
      { class: 'tiles tiles-3' },
      tile(t('overview.caddy'), caddyUp ? state(t('state.running'), 'ok') : state(t('state.down'), 'error'), [
        [t('overview.adminApi'), str(adminApi.address)],
        [t('overview.healthCheck'), health.length ? h('span', { class: 'health-list' }, health.map((u) => state(`${str(u.upstream)}: ${u.healthy ? t('state.healthy') : t('state.unhealthy')}`, u.healthy ? 'ok' : 'error'))) : '—'],
        ...(caddyUp ? [] : ([[t('common.error'), str(adminApi.error) || (caddyErr instanceof Error ? caddyErr.message : '')]] as [string, string][])),
      ]),
      tile(t('overview.proxy'), targets ? (proxyReady ? state(t('state.ready'), 'ok') : state(t('state.notReady'), 'warn')) : state(t('state.down'), 'error'), [
        [t('overview.configLoaded'), cfg.loadedAt ? `${relative(str(cfg.loadedAt))}` : '—'],
        [t('overview.modelsUpstreams'), targets ? `${num(Number(cfg.models))} / ${num(Number(cfg.upstreams))}` : '—'],
        ...(targets ? (targets.reason ? ([[t('common.reason'), str(targets.reason)]] as [string, string][]) : []) : ([[t('common.error'), targetsErr instanceof Error ? targetsErr.message : '']] as [string, string][])),
      ]),
      tile(t('overview.admin'), state(t('state.running'), 'ok'), [
        [t('overview.version'), str(version?.version) || '—'],
        [t('overview.node'), str(version?.node) || '—'],
        [t('overview.since'), version?.startedAt ? dateTime(str(version.startedAt)) : '—'],
      ]),
    ),
  );
}

function statsCard(usage: Json | undefined, err: unknown): HTMLElement {
  if (!usage) return card(t('overview.last24h'), errorBox(err));
  const totals = isRecord(usage.totals) ? usage.totals : {};
  const n = (k: string) => Number(totals[k]) || 0;
  const requests = n('requests');
  const errors = n('s4xx') + n('s429') + n('s5xx');
  const stat = (label: string, value: string, sub?: string) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value), sub ? h('div', { class: 'stat-sub' }, sub) : null);
  return card(
    t('overview.last24h'),
    h(
      'div',
      { class: 'tiles tiles-4' },
      stat(t('usage.requests'), num(requests), t('overview.ok', { n: num(n('s2xx')) })),
      stat(t('overview.errorRate'), requests ? percent(errors / requests) : '—', t('overview.errorsBreakdown', { s4xx: num(n('s4xx')), s429: num(n('s429')), s5xx: num(n('s5xx')) })),
      stat(t('usage.tokens'), num(n('totalTokens')), t('overview.tokensSplit', { p: num(n('promptTokens')), c: num(n('completionTokens')) })),
      stat(t('usage.p95'), ms(totals.latencyP95Ms as number | null), t('overview.p50', { v: ms(totals.latencyP50Ms as number | null) })),
    ),
    { actions: h('a', { href: '/admin/usage', 'data-nav': 'usage', class: 'btn btn-ghost btn-sm' }, t('overview.openUsage')) },
  );
}

/** A certificate's remaining life; Caddy's local CA issues 12-hour leaves and renews them itself. */
export function certBadge(c: Json, acmeErr: Json | undefined): HTMLElement {
  if (!c.found) return badge(t('domain.noCert'), acmeErr ? 'error' : 'warn');
  const days = typeof c.daysLeft === 'number' ? c.daysLeft : undefined;
  const local = str(c.issuerDir) === 'local';
  const text = days !== undefined && days < 1 ? t('fmt.expiresRelative', { when: relative(str(c.notAfter)) }) : daysLeft(days);
  if (local) return badge(`${text} · ${t('domain.localCa')}`, 'ok');
  return badge(text, days !== undefined && days < 3 ? 'error' : days !== undefined && days < 14 ? 'warn' : 'ok');
}

function certsCard(caddy: Json | undefined, err: unknown): HTMLElement {
  if (!caddy) return card(t('overview.certificates'), errorBox(err));
  const domains = Array.isArray(caddy.domains) ? caddy.domains.filter(isRecord) : [];
  if (!domains.length) return card(t('overview.certificates'), empty(t('overview.noDomains')));
  return card(
    t('overview.certificates'),
    table(
      t('overview.certificates'),
      [t('domain.domain'), t('domain.issuer'), t('domain.expires'), t('common.status')],
      domains.map((d) => {
        const c = isRecord(d.certificate) ? d.certificate : {};
        const acmeErr = isRecord(d.lastAcmeError) ? d.lastAcmeError : undefined;
        const st = certBadge(c, acmeErr);
        return [
          str(d.domain),
          str(c.issuer) || str(c.issuerDir) || '—',
          c.notAfter ? dateTime(str(c.notAfter)) : '—',
          h('span', null, st, acmeErr ? h('div', { class: 'muted small' }, str(acmeErr.error) || str(acmeErr.msg)) : null),
        ];
      }),
    ),
    { actions: h('a', { href: '/admin/domain', 'data-nav': 'domain', class: 'btn btn-ghost btn-sm' }, t('nav.domain')) },
  );
}

function credentialState(s: Json): HTMLElement {
  const st = str(s.state);
  if (st === 'ok') return state(t('state.credentialOk'), 'ok');
  if (st === 'unused') return state(t('state.credentialUnused'), 'muted');
  return state(t('state.credentialError'), 'error');
}

function targetState(v: Json): HTMLElement {
  switch (str(v.state)) {
    case 'healthy':
      return state(t('state.healthy'), 'ok');
    case 'cooling_down':
      return state(t('state.coolingDown'), 'warn');
    case 'half_open':
      return state(t('state.halfOpen'), 'warn');
    case 'circuit_open':
      return state(t('state.circuitOpen'), 'error');
    default:
      return state(str(v.state) || '—', 'muted');
  }
}

function upstreamsCard(targets: Json | undefined, err: unknown): HTMLElement {
  const upstreams = (config.draft.upstreams ?? config.original?.upstreams) as unknown;
  const list = Array.isArray(config.original?.upstreams) ? (config.original.upstreams as unknown[]).filter(isRecord) : Array.isArray(upstreams) ? upstreams.filter(isRecord) : [];
  const creds = isRecord(targets?.upstreams) ? targets.upstreams : {};
  const rows = list.map((u) => {
    const name = str(u.name);
    const s = isRecord(creds[name]) ? creds[name] : undefined;
    const auth = isRecord(u.auth) ? u.auth : isRecord(config.original?.auth) ? config.original.auth : {};
    return [
      name,
      h('code', { class: 'wrap' }, str(u.baseUrl)),
      str(s?.mode) || str(auth.mode) || 'defaultAzureCredential',
      s ? credentialState(s) : targets ? state('—', 'muted') : state(t('state.unknown'), 'muted'),
      s?.expiresAt ? `${dateTime(str(s.expiresAt))} (${relative(str(s.expiresAt))})` : '—',
      s?.lastError ? h('span', { class: 'error-text' }, str(s.lastError)) : '—',
    ];
  });
  const targetViews = isRecord(targets?.targets) ? Object.entries(targets.targets).filter((e): e is [string, Json] => isRecord(e[1])) : [];
  return card(
    t('overview.upstreams'),
    h(
      'div',
      null,
      !targets ? errorBox(err, t('overview.proxyUnreachable')) : null,
      rows.length
        ? table(t('overview.upstreams'), [t('models.upstreamName'), t('models.baseUrl'), t('overview.authMode'), t('overview.credential'), t('overview.tokenExpiry'), t('overview.lastError')], rows)
        : empty(t('overview.noUpstreams')),
      targetViews.length
        ? h(
            'div',
            null,
            h('h3', null, t('overview.targets')),
            table(
              t('overview.targets'),
              [t('overview.target'), t('common.status'), t('overview.successFailures'), t('overview.remaining'), t('overview.lastError')],
              targetViews.map(([key, v]) => [
                key,
                targetState(v),
                `${num(Number(v.successes) || 0)} / ${num(Number(v.failures) || 0)}`,
                v.remainingRequests !== undefined || v.remainingTokens !== undefined ? t('overview.remainingValue', { r: num(v.remainingRequests as number), tk: num(v.remainingTokens as number) }) : '—',
                v.lastError ? h('span', { class: 'error-text' }, `${str(v.lastError)}${v.lastErrorAt ? ` (${relative(str(v.lastErrorAt))})` : ''}`) : '—',
              ]),
            ),
          )
        : targets
          ? h('p', { class: 'muted small' }, t('overview.targetsHint'))
          : null,
    ),
    { actions: h('a', { href: '/admin/models', 'data-nav': 'models', class: 'btn btn-ghost btn-sm' }, t('nav.models')) },
  );
}

function caddyConfigCard(caddy: Json | undefined): HTMLElement | null {
  if (!caddy || caddy.config === null || caddy.config === undefined) return null;
  const text = JSON.stringify(caddy.config, null, 2);
  return card(
    t('overview.caddyConfig'),
    h('details', { class: 'json-details' }, h('summary', null, t('overview.showCaddyConfig', { size: num(text.length) })), h('pre', { class: 'code', tabindex: 0 }, text)),
    { actions: copyButton(() => text) },
  );
}

async function draw(body: HTMLElement, signal: AbortSignal): Promise<void> {
  const [version, targets, caddy, usage] = await Promise.allSettled([
    getJson<Json>('/version', signal),
    getJson<Json>('/targets', signal),
    getJson<Json>('/caddy/status', signal),
    getJson<Json>('/usage', signal),
    config.ensure(),
  ]);
  if (signal.aborted) return;
  const err = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as unknown) : undefined);
  mount(
    body,
    servicesCard(settled(version), settled(targets), err(targets), settled(caddy), err(caddy)),
    statsCard(settled(usage), err(usage)),
    upstreamsCard(settled(targets), err(targets)),
    certsCard(settled(caddy), err(caddy)),
    caddyConfigCard(settled(caddy)),
    h('p', { class: 'muted small' }, t('overview.updated', { time: dateTime(Date.now()) })),
  );
}

/** The Overview page. */
export const overviewPage: Page = {
  title: 'nav.overview',
  async render(root, signal) {
    const body = h('div', { class: 'stack' }, loading());
    const refresh = h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => void draw(body, signal) }, icon('refresh', 16), t('action.refresh'));
    mount(root, pageHeader(t('nav.overview'), t('overview.lead'), refresh), body);
    await draw(body, signal);
    const timer = setInterval(() => {
      if (!busyWith(body)) void draw(body, signal);
    }, REFRESH_MS);
    signal.addEventListener('abort', () => clearInterval(timer));
  },
};
