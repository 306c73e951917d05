/**
 * The inputs of a key, for the create form and the edit dialog: label (and id when creating),
 * team, owner, tags, expiry, the model allow-list, limits and budget. Each carries its path in the
 * key (`/team`, `/limits/tokensPerDay`) so the server's issues land on it.
 */
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import type { Inputs } from '../../form/entry-form.js';
import { governanceFields } from '../../form/governance-fields.js';
import { plainField, selectInput, textInput } from '../../form/plain-field.js';
import { t } from '../../i18n.js';
import type { KeyValues } from './key-body.js';
import { modelPicks, pickedModels } from './model-picks.js';

/** The team choices: none, then each team of the config (and `current` if the config lacks it). */
function teamChoices(current: string): { value: string; label: string }[] {
  const teams = config.entries('teams').map((tm) => {
    const id = String(tm.id);
    return { value: id, label: typeof tm.label === 'string' && tm.label ? `${tm.label} (${id})` : id };
  });
  const extra = current && !teams.some((c) => c.value === current) ? [{ value: current, label: current }] : [];
  return [{ value: '', label: t('keys.noTeam') }, ...extra, ...teams];
}

/** The inputs filled with `values`; the id only when `creating`; limits and budget folded when `fold`. */
export function keyFields(values: KeyValues, creating: boolean, fold: boolean): Inputs<KeyValues> {
  const label = textInput(values.label, { maxlength: 256, placeholder: t('keys.labelPlaceholder') });
  const id = textInput(values.id, { maxlength: 128, placeholder: t('keys.idPlaceholder') });
  const team = selectInput(teamChoices(values.team), values.team);
  const owner = textInput(values.owner, { maxlength: 256, placeholder: t('keys.ownerPlaceholder') });
  const tags = textInput(values.tags, { placeholder: t('keys.tagsPlaceholder') });
  const expires = h('input', { type: 'datetime-local', value: values.expires });
  const picks = modelPicks(values.models);
  const gov = governanceFields(values, config.currency(), true);
  const govBox = fold
    ? h(
        'details',
        { class: 'advanced', open: hasGovernance(values) },
        h('summary', null, t('keys.limitsAndBudget')),
        gov.nodes,
      )
    : gov.nodes;
  return {
    nodes: [
      h(
        'div',
        { class: 'form-grid' },
        plainField('/label', t('keys.label'), label, { size: 'md' }),
        creating ? plainField('/id', t('keys.idOptional'), id, { size: 'md', help: t('keys.idHelp') }) : null,
        plainField('/owner', t('keys.owner'), owner, { size: 'md' }),
      ),
      h(
        'div',
        { class: 'form-grid' },
        plainField('/team', t('keys.team'), team, { size: 'md' }),
        plainField('/tags', t('keys.tags'), tags, { size: 'md', help: t('keys.tagsHelp') }),
        plainField('/expiresAt', t('keys.expires'), expires, { size: 'md', help: t('keys.expiresHelp') }),
      ),
      picks,
      govBox,
    ],
    read: () => ({
      label: label.value,
      id: creating ? id.value : values.id,
      models: pickedModels(picks),
      team: team.value,
      owner: owner.value,
      tags: tags.value,
      expires: expires.value,
      ...gov.read(),
    }),
  };
}

/** Whether a key has any limit or a budget (its section then starts open). */
function hasGovernance(v: KeyValues): boolean {
  return v.budgetAmount !== '' || Object.values(v.limits).some((x) => x !== '');
}
