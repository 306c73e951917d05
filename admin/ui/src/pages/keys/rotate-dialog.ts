/**
 * Rotating a key in a dialog: how long the current secret keeps working (so clients can move to
 * the new one without an outage; up to 30 days), then the new secret, answered once.
 */
import { api, asText } from '../../api.js';
import { formDialog } from '../../components/form-dialog.js';
import { h } from '../../dom.js';
import { submitEntry } from '../../form/entry-submit.js';
import { formResult } from '../../form/form-result.js';
import { plainField, selectInput, textInput } from '../../form/plain-field.js';
import { t } from '../../i18n.js';
import { GRACE_UNITS, graceSeconds, type GraceUnit } from './key-body.js';
import type { CreatedKey } from './new-key-panel.js';

type Json = Record<string, unknown>;

/** Opens the dialog for key `id`; resolves with the new secret, or undefined when cancelled. */
export async function rotateKey(id: string): Promise<CreatedKey | undefined> {
  const amount = textInput('24', { inputmode: 'decimal' });
  const unit = selectInput(
    (Object.keys(GRACE_UNITS) as GraceUnit[]).map((u) => ({ value: u, label: t(`keys.grace.${u}`) })),
    'hours',
  );
  const result = formResult();
  let rotated: CreatedKey | undefined;
  const done = await formDialog({
    title: t('keys.rotateTitle', { id }),
    body: h(
      'div',
      { class: 'stack-sm' },
      h('p', null, t('keys.rotateBody')),
      h(
        'div',
        { class: 'form-grid' },
        plainField('/graceSeconds', t('keys.grace'), amount, { size: 'sm', help: t('keys.graceHelp') }),
        plainField('/graceUnit', t('keys.graceUnit'), unit, { size: 'sm' }),
      ),
      result.host,
    ),
    submitLabel: t('keys.rotate'),
    submit: async (form) => {
      const seconds = graceSeconds(amount.value, (unit.value as GraceUnit) || 'hours');
      const answer = await submitEntry({
        root: form,
        result,
        list: 'apiKeys',
        problems: seconds === undefined ? [{ path: '/graceSeconds', message: t('keys.graceInvalid') }] : [],
        busy: 'keys.rotating',
        failed: 'keys.rotateFailed',
        send: () => api<Json>('POST', `/keys/${encodeURIComponent(id)}/rotate`, { body: { graceSeconds: seconds } }),
      });
      if (!answer) return false;
      const until = answer.data.previousSecretValidUntil;
      rotated = {
        id,
        key: asText(answer.data.key),
        rotated: { previousValidUntil: typeof until === 'string' ? until : null },
      };
      return true;
    },
  });
  return done ? rotated : undefined;
}
