/** What a key or team form says under its button: working, fields to fix, or what the API answered. */
import type { Issue } from '../api.js';
import { component, type Self } from '../component.js';
import { alertBox, busy, errorBox } from '../components/alerts.js';
import { h, type Child } from '../dom.js';
import { t, type MsgKey } from '../i18n.js';
import { fieldPlace } from '../field-words.js';

/** The form's message; `unplaced` are the server's issues that no field of the form shows. */
export type FormResult =
  | { kind: 'none' }
  | { kind: 'busy'; text: MsgKey }
  | { kind: 'invalid' }
  | { kind: 'failed'; error: unknown; title: MsgKey; unplaced?: Issue[] };

function Result(_: null, self: Self<{ result: FormResult }>): Child {
  const { result } = self.state;
  switch (result.kind) {
    case 'none':
      return null;
    case 'busy':
      return busy(t(result.text));
    case 'invalid':
      return alertBox('error', h('p', null, t('form.fixMarked')));
    case 'failed': {
      const box = errorBox(result.error, t(result.title));
      const unplaced = result.unplaced ?? [];
      if (unplaced.length)
        box.lastElementChild?.append(
          h(
            'ul',
            { class: 'issues' },
            unplaced.map((i) =>
              h(
                'li',
                null,
                fieldPlace(i.path, undefined),
                ': ',
                i.message,
                ' ',
                h('code', { class: 'muted' }, i.path || '/'),
              ),
            ),
          ),
        );
      return box;
    }
  }
}

/** The form's live message area. */
export function formResult(): Self<{ result: FormResult }> {
  return component(h('div', { 'aria-live': 'polite' }), Result, null, { result: { kind: 'none' } });
}
