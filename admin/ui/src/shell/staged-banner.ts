/**
 * The staged-change banner at the top of every page (docs/admin-ui.md, "Staged changes"): while a
 * domain, TLS or port change is pending, what it waits for (each certificate, or a confirmation
 * from the new address), a countdown to its automatic undo, and "Confirm" / "Undo now"; once it
 * ends, how it ended, until dismissed. It polls the server, which decides everything.
 */
import { api, getJson } from '../api.js';
import { component, type Self } from '../component.js';
import { alertBox } from '../components/alerts.js';
import { h, type Child } from '../dom.js';
import { onLangChange, t, type MsgKey } from '../i18n.js';
import { adminUrl } from '../access-warnings.js';
import { stagedView, type StagedCertificate, type StagedStatus } from '../staged-status.js';

interface BannerState {
  status: StagedStatus | undefined;
  /** When `status` was fetched (local clock), for the countdown. */
  fetchedAt: number;
  dismissed: string | undefined;
  busy: boolean;
  error: string | undefined;
}

/** Polling while a change is pending, and while none is (one may be started from elsewhere). */
const PENDING_POLL_MS = 2_000;
const IDLE_POLL_MS = 15_000;

let refreshNow: (() => void) | undefined;

/** Fetches the staged change at once (after an apply). */
export function refreshStaged(): void {
  refreshNow?.();
}

async function act(self: Self<BannerState>, action: 'confirm' | 'cancel'): Promise<void> {
  self.set({ busy: true, error: undefined });
  try {
    const r = await api<unknown>('POST', `/staged-change/${action}`);
    self.set({ status: stagedView(r.data), fetchedAt: Date.now(), busy: false });
  } catch (err) {
    self.set({ busy: false, error: err instanceof Error ? err.message : String(err) });
  }
}

function mmss(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function Banner(_: null, self: Self<BannerState>): Child {
  const { status, fetchedAt, dismissed, busy, error } = self.state;
  const change = status?.change;
  self.host.hidden = !change || (change.state !== 'pending' && dismissed === change.id);
  if (!change || self.host.hidden) return null;
  if (change.state !== 'pending') {
    const missing = change.certificates.filter((c) => !c.issued).map((c) => c.host);
    const reason = `staged.reason.${change.reason ?? 'not_applied'}` as MsgKey;
    return alertBox(
      change.state === 'committed' ? 'ok' : 'warn',
      h('strong', null, t(change.state === 'committed' ? 'staged.committed' : 'staged.rolledBack')),
      h(
        'p',
        { class: 'staged-outcome' },
        t(reason, { missing: missing.join(', ') || t('staged.nothingMissing'), detail: change.outcome ?? '' }),
      ),
      h(
        'button',
        { type: 'button', class: 'btn btn-secondary', onClick: () => self.set({ dismissed: change.id }) },
        t('staged.dismiss'),
      ),
    );
  }
  const left = status.remainingMs - (Date.now() - fetchedAt);
  const portMoves = change.httpsPort !== change.previousHttpsPort;
  return alertBox(
    'warn',
    h('strong', null, t('staged.title')),
    h(
      'ul',
      { class: 'staged-waits' },
      change.certificates.map((c) =>
        h(
          'li',
          null,
          t(c.issued ? 'staged.certIssued' : 'staged.waitingCert', { host: c.host }),
          !c.issued && c.lastError ? ` ${t('staged.certError', { error: probeWords(c) })}` : '',
        ),
      ),
      portMoves
        ? h(
            'li',
            null,
            t('staged.waitingConfirm', {
              from: change.previousHttpsPort,
              to: change.httpsPort,
              url: adminUrl(location.hostname, change.httpsPort),
            }),
          )
        : null,
    ),
    h('p', { class: 'staged-countdown' }, t('staged.countdown', { time: mmss(left) })),
    error ? h('p', { class: 'staged-error', role: 'alert' }, error) : null,
    h(
      'div',
      { class: 'staged-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary staged-confirm',
          title: t('staged.confirmHelp'),
          disabled: busy,
          onClick: () => void act(self, 'confirm'),
        },
        t('staged.confirm'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary staged-cancel',
          disabled: busy,
          onClick: () => void act(self, 'cancel'),
        },
        t('staged.cancel'),
      ),
    ),
  );
}

/** The banner; it polls the server and redraws each second while a change is pending. */
export function stagedBanner(): HTMLElement {
  const self = component(h('div', { class: 'staged-banner', hidden: true }), Banner, null, {
    status: undefined,
    fetchedAt: 0,
    dismissed: undefined,
    busy: false,
    error: undefined,
  } as BannerState);
  self.listen(onLangChange);
  let timer: number | undefined;
  const poll = async () => {
    window.clearTimeout(timer);
    try {
      self.set({ status: stagedView(await getJson<unknown>('/staged-change')), fetchedAt: Date.now() });
    } catch {
      // Unreachable for a moment (a reload of Caddy): keep what is shown and try again.
    }
    const pending = self.state.status?.change?.state === 'pending';
    timer = window.setTimeout(() => void poll(), pending ? PENDING_POLL_MS : IDLE_POLL_MS);
  };
  refreshNow = () => void poll();
  window.setInterval(() => {
    if (self.state.status?.change?.state === 'pending') self.redraw();
  }, 1_000);
  void poll();
  return self.host;
}

// The probe's finding in the UI's language; Caddy's ACME error stays in its own words.
function probeWords(c: StagedCertificate): string {
  const code = c.lastErrorCode;
  const known =
    code && (PROBE_CODES as readonly string[]).includes(code) ? t(`staged.probe.${code as ProbeCode}`) : undefined;
  if (!known) return c.lastError ?? '';
  return c.lastAcmeError ? `${known} ${t('staged.acmeError', { error: c.lastAcmeError })}` : known;
}

const PROBE_CODES = ['no_certificate', 'not_listening', 'timeout', 'not_covered', 'handshake_failed'] as const;
type ProbeCode = (typeof PROBE_CODES)[number];
