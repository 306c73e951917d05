/** Editing a team in a dialog: label, limits and budget, sent as a PATCH of what changed. */
import { entryDialog } from '../../form/entry-dialog.js';
import { t } from '../../i18n.js';
import { teamEditBody, teamValues } from './team-body.js';
import { teamFields } from './team-fields.js';

type Json = Record<string, unknown>;

/** Opens the dialog for listed team `team`; resolves true when a change was saved. */
export function editTeam(team: Json): Promise<boolean> {
  const id = String(team.id);
  return entryDialog({
    title: t('teams.editTitle', { id }),
    inputs: teamFields(teamValues(team), false),
    body: (values) => teamEditBody(team, values),
    url: `/teams/${encodeURIComponent(id)}`,
    list: 'teams',
    busy: 'teams.saving',
    failed: 'teams.saveFailed',
  });
}
