/** The inputs of a team, for the create form and the edit dialog: id (when creating), label, limits and budget. */
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import type { Inputs } from '../../form/entry-form.js';
import { governanceFields } from '../../form/governance-fields.js';
import { plainField, textInput } from '../../form/plain-field.js';
import { t } from '../../i18n.js';
import type { TeamValues } from './team-body.js';

/** The inputs filled with `values`; the id only when `creating`. */
export function teamFields(values: TeamValues, creating: boolean): Inputs<TeamValues> {
  const id = textInput(values.id, { maxlength: 128, placeholder: t('teams.idPlaceholder') });
  const label = textInput(values.label, { maxlength: 256, placeholder: t('teams.labelPlaceholder') });
  const gov = governanceFields(values, config.currency(), false);
  return {
    nodes: [
      h(
        'div',
        { class: 'form-grid' },
        creating ? plainField('/id', t('teams.id'), id, { size: 'md', help: t('keys.idHelp') }) : null,
        plainField('/label', t('teams.label'), label, { size: 'md' }),
      ),
      gov.nodes,
    ],
    read: () => ({ id: creating ? id.value : values.id, label: label.value, ...gov.read() }),
  };
}
