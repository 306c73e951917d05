/**
 * Overview: are Caddy, the proxy and the admin service up; what Caddy runs; each domain's
 * certificate; each upstream's credential and each target's state; the last 24 hours at a glance.
 */
import { getJson } from '../../api.js';
import { component, type Self } from '../../component.js';
import { loading } from '../../components/alerts.js';
import { pageHeader } from '../../components/page-header.js';
import { promptLogBanner } from '../../components/prompt-log-notice.js';
import { config } from '../../config-state.js';
import { busyWith, h, type Child } from '../../dom.js';
import { dateTime } from '../../format.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import type { Page } from '../../page.js';
import { caddyConfigCard } from './caddy-config-card.js';
import { certsCard } from './certs-card.js';
import { servicesCard } from './services-card.js';
import { statsCard } from './stats-card.js';
import { upstreamsCard } from './upstreams-card.js';

type Json = Record<string, unknown>;
type Result = PromiseSettledResult<Json>;
const REFRESH_MS = 30_000;

/** What the page shows: each source's answer (or failure) and when they were read. */
interface Status {
  version: Result;
  targets: Result;
  caddy: Result;
  usage: Result;
  at: number;
}

const value = (r: Result) => (r.status === 'fulfilled' ? r.value : undefined);
const reason = (r: Result) => (r.status === 'rejected' ? (r.reason as unknown) : undefined);

function Overview(_: null, self: Self<{ status: Status | undefined }>): Child {
  const { status } = self.state;
  if (!status) return loading();
  const { version, targets, caddy, usage } = status;
  return [
    promptLogBanner(),
    servicesCard(value(version), value(targets), reason(targets), value(caddy), reason(caddy)),
    statsCard(value(usage), reason(usage)),
    upstreamsCard(value(targets), reason(targets)),
    certsCard(value(caddy), reason(caddy)),
    caddyConfigCard(value(caddy)),
    h('p', { class: 'muted small' }, t('overview.updated', { time: dateTime(status.at) })),
  ];
}

async function refresh(self: Self<{ status: Status | undefined }>, signal: AbortSignal): Promise<void> {
  const [version, targets, caddy, usage] = await Promise.allSettled([
    getJson<Json>('/version', signal),
    getJson<Json>('/targets', signal),
    getJson<Json>('/caddy/status', signal),
    getJson<Json>('/usage', signal),
    config.ensure(),
  ]);
  if (!signal.aborted) self.set({ status: { version, targets, caddy, usage, at: Date.now() } });
}

function draw(signal: AbortSignal): Child {
  const body = component(h('div', { class: 'stack' }), Overview, null, { status: undefined });
  void refresh(body, signal);
  const timer = setInterval(() => {
    if (!busyWith(body.host)) void refresh(body, signal);
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
  const again = h(
    'button',
    { type: 'button', class: 'btn btn-secondary', onClick: () => void refresh(body, signal) },
    icon('refresh', 16),
    t('action.refresh'),
  );
  return [pageHeader(t('nav.overview'), t('overview.lead'), again), body.host];
}

/** The Overview page. */
export const overviewPage: Page = {
  title: 'nav.overview',
  draw: (_, signal) => draw(signal),
};
