/** A modal yes/no question. */
import { h, type Child } from '../dom.js';
import { t } from '../i18n.js';

/** Asks `title`; resolves true on confirm. */
export function confirmDialog(
  title: string,
  body: Child,
  confirmLabel: string,
  tone: 'danger' | 'primary' = 'primary',
): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'confirm-title' });
    const yes = h(
      'button',
      {
        type: 'button',
        class: `btn btn-${tone}`,
        onClick: () => {
          answer = true;
          dialog.close();
        },
      },
      confirmLabel,
    );
    dialog.append(
      h('div', { class: 'dialog-head' }, h('h2', { id: 'confirm-title' }, title)),
      h('div', { class: 'dialog-body' }, body),
      h(
        'div',
        { class: 'dialog-footer' },
        h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => dialog.close() }, t('action.cancel')),
        yes,
      ),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    yes.focus();
  });
}
