/** A new admin password (plaintext here; the server stores only its scrypt hash). */
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { errorSlot, setFieldErrors } from '../../form/error-slot.js';
import { passwordProblems } from '../../form/field-values.js';
import { t } from '../../i18n.js';

/** The new-password field; empty keeps the current password. */
export function passwordField(): HTMLElement {
  const path = '/server/adminAuth/password';
  const id = 'admin-password';
  const input = h('input', {
    id,
    type: 'password',
    autocomplete: 'new-password',
    'data-path': path,
    'aria-describedby': `${id}-help ${id}-err`,
    placeholder: t('settings.passwordPlaceholder'),
  });
  const field = h(
    'div',
    { class: 'field field-md', 'data-path': path, 'data-field': '' },
    h('label', { for: id }, t('settings.newPassword')),
    input,
    h('div', { class: 'help', id: `${id}-help` }, t('settings.passwordHelp')),
    errorSlot(`${id}-err`),
  );
  input.addEventListener('input', () => {
    config.set(path, input.value === '' ? undefined : input.value);
    setFieldErrors(field, passwordProblems(input.value));
  });
  return field;
}
