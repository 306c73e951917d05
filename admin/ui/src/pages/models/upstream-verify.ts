/**
 * "Verify credential": the admin service fetches a token (Entra modes) or lists the upstream's models
 * with the key (api-key) and the result says, in the UI's language, which of these was tried.
 */
import { api } from '../../api.js';
import { component, type Self } from '../../component.js';
import { alertBox, busy, errorBox } from '../../components/alerts.js';
import { h, type Child } from '../../dom.js';
import { dateTime } from '../../format.js';
import { t, type MsgKey } from '../../i18n.js';

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
      const tried = r.checked !== 'nothing';
      const heading = !tried ? t('models.verifyNotTried') : r.ok ? t('models.verifyOk') : t('models.verifyFailed');
      return alertBox(
        !tried ? 'info' : r.ok ? 'ok' : 'error',
        h('strong', null, heading),
        h('p', null, `${String(r.credential ?? r.mode ?? '')} — ${checkedSentence(r)}`),
        r.ok ? null : h('p', { class: 'muted' }, t('models.upstreamSaid', { message: String(r.message ?? '') })),
        r.expiresAt ? h('p', null, t('models.tokenExpires', { time: dateTime(String(r.expiresAt)) })) : null,
      );
    }
  }
}

/** What the server says it tried, in the UI's language (the server's English stays as the detail). */
function checkedSentence(r: Json): string {
  const status = typeof r.status === 'number' ? r.status : undefined;
  const params = { status: status ?? '', count: typeof r.models === 'number' ? r.models : 0 };
  let key: MsgKey;
  if (r.checked === 'nothing') key = r.ok ? 'models.checkedNothing' : 'models.checkedNoKey';
  else if (r.checked === 'modelList')
    key =
      status === undefined
        ? 'models.checkedUnreachable'
        : status === 200
          ? 'models.checkedModelsOk'
          : status === 401 || status === 403
            ? 'models.checkedRefused'
            : 'models.checkedUnconfirmed';
  else key = r.ok ? 'models.checkedToken' : 'models.checkedTokenFailed';
  return t(key, params);
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
