/** What the create form says: working, a problem with the input, or the API's error. */
import { component, type Self } from '../../component.js';
import { alertBox, busy, errorBox } from '../../components/alerts.js';
import { h, type Child } from '../../dom.js';
import { t, type MsgKey } from '../../i18n.js';

/** The form's message. */
export type FormResult =
  { kind: 'none' } | { kind: 'creating' } | { kind: 'idInvalid' } | { kind: 'failed'; error: unknown; title: MsgKey };

function Result(_: null, self: Self<{ result: FormResult }>): Child {
  const { result } = self.state;
  switch (result.kind) {
    case 'none':
      return null;
    case 'creating':
      return busy(t('keys.creating'));
    case 'idInvalid':
      return alertBox('error', h('p', null, t('keys.idInvalid')));
    case 'failed':
      return errorBox(result.error, t(result.title));
  }
}

/** The form's live message area. */
export function formResult(): Self<{ result: FormResult }> {
  return component(h('div', { 'aria-live': 'polite' }), Result, null, { result: { kind: 'none' } });
}
