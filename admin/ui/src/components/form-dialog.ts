/** A modal form (edit a key or team, rotate a key): it closes when its submit succeeds. */
import { h, uid, type Child } from '../dom.js';
import { t } from '../i18n.js';

/** What the dialog shows and does. */
export interface FormDialog {
  title: string;
  body: Child;
  submitLabel: string;
  /** Sends the form; true closes the dialog, false keeps it open (its body then says why). */
  submit: (form: HTMLFormElement) => Promise<boolean>;
  wide?: boolean;
}

/** Opens the dialog; resolves true when it closed after a successful submit, false when cancelled. */
export function formDialog(d: FormDialog): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const titleId = uid('dialog');
    const dialog = h('dialog', { class: `dialog${d.wide ? ' dialog-wide' : ''}`, 'aria-labelledby': titleId });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, d.submitLabel);
    const form = h(
      'form',
      {
        novalidate: true,
        class: 'dialog-form',
        onSubmit: (e: Event) => {
          e.preventDefault();
          submit.disabled = true;
          void d
            .submit(form)
            .then((ok) => {
              if (!ok) return;
              done = true;
              dialog.close();
            })
            .finally(() => {
              submit.disabled = false;
            });
        },
      },
      h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, d.title)),
      h('div', { class: 'dialog-body' }, d.body),
      h(
        'div',
        { class: 'dialog-footer' },
        h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => dialog.close() }, t('action.cancel')),
        submit,
      ),
    );
    dialog.append(form);
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(done);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    form.querySelector<HTMLElement>('.dialog-body :is(input, select)')?.focus();
  });
}
