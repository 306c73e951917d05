/** The form that creates a team. */
import { api } from '../../api.js';
import type { Self } from '../../component.js';
import { entryForm, type EntryFormState } from '../../form/entry-form.js';
import { submitEntry } from '../../form/entry-submit.js';
import { t } from '../../i18n.js';
import { newTeamBody, teamValues } from './team-body.js';
import { teamFields } from './team-fields.js';

/** The create form; `created` is told each new team's id. */
export function createTeamForm(created: (id: string) => Promise<void>): Self<EntryFormState, HTMLFormElement> {
  return entryForm({
    fields: () => teamFields(teamValues({}), true),
    submitLabel: t('teams.create'),
    submit: async (values, form, result) => {
      const { body, problems } = newTeamBody(values);
      const answer = await submitEntry({
        root: form,
        result,
        list: 'teams',
        problems,
        busy: 'teams.creating',
        failed: 'teams.createFailed',
        send: () => api('POST', '/teams', { body }),
      });
      if (!answer) return false;
      await created(String(body.id));
      return true;
    },
  });
}
