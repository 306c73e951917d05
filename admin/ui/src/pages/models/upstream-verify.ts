/** "Verify credential": the admin service gets a token for the upstream and says how it went. */
import { api } from '../../api.js';
import { component, type Self } from '../../component.js';
import { alertBox, busy, errorBox } from '../../components/alerts.js';
import { h, type Child } from '../../dom.js';
import { dateTime } from '../../format.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

/** Where a check is: not run, running, answered, or failed. */
export type VerifyState =
  { phase: 'idle' } | { phase: 'busy' } | { phase: 'done'; r: Json } | { phase: 'failed'; error: unknown };

function VerifyResult(_: null, self: Self<{ check: VerifyState }>): Child {
  const { check } = self.state;
  switch (check.phase) {
    case 'idle':
      return null;
    case 'busy':
      return busy(t('models.verifying'));
    case 'failed':
      return errorBox(check.error, t('models.verifyFailed'));
    case 'done': {
      const r = check.r;
      return alertBox(
        r.ok ? 'ok' : 'error',
        h('strong', null, r.ok ? t('models.verifyOk') : t('models.verifyFailed')),
        h('p', null, `${String(r.credential ?? r.mode ?? '')} — ${String(r.message ?? '')}`),
        r.expiresAt ? h('p', null, t('models.tokenExpires', { time: dateTime(String(r.expiresAt)) })) : null,
      );
    }
  }
}

/** The result area of the credential check. */
export function verifyResult(): Self<{ check: VerifyState }> {
  return component(h('div', { class: 'upstream-result', 'aria-live': 'polite' }), VerifyResult, null, {
    check: { phase: 'idle' },
  });
}

/** Runs the credential check of upstream `name` into `result`. */
export async function verify(result: Self<{ check: VerifyState }>, name: string): Promise<void> {
  result.set({ check: { phase: 'busy' } });
  try {
    const r = (await api<Json>('POST', `/upstreams/${encodeURIComponent(name)}/verify`)).data;
    result.set({ check: { phase: 'done', r } });
  } catch (error) {
    result.set({ check: { phase: 'failed', error } });
  }
}
