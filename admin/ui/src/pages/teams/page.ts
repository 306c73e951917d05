/**
 * Teams: create one (id, label, limits, budget), see each team's limits, budget use this period,
 * tokens, member keys and budget alerts, edit one, and delete one that no key belongs to.
 */
import { api, ApiError } from '../../api.js';
import { card } from '../../components/card.js';
import { confirmDialog } from '../../components/confirm-dialog.js';
import { pageHeader } from '../../components/page-header.js';
import { config } from '../../config-state.js';
import { announce, h } from '../../dom.js';
import { afterConfig } from '../../form/entry-form.js';
import { formResult } from '../../form/form-result.js';
import { t } from '../../i18n.js';
import type { Page } from '../../page.js';
import { createTeamForm } from './create-form.js';
import { editTeam } from './edit-dialog.js';
import { loadTeams, teamList } from './team-list.js';

type Json = Record<string, unknown>;

function draw(signal: AbortSignal): HTMLElement[] {
  const notice = formResult();
  // Team changes go through the config: refresh the draft's copy (the Keys page offers its teams).
  const changed = async () => {
    await config.refreshKeepingEdits().catch(() => undefined);
    await loadTeams(list, signal);
  };

  const remove = async (team: Json) => {
    const id = String(team.id);
    const yes = await confirmDialog(
      t('teams.deleteTitle'),
      h('p', null, t('teams.deleteBody', { id })),
      t('teams.delete'),
      'danger',
    );
    if (!yes) return;
    try {
      await api('DELETE', `/teams/${encodeURIComponent(id)}`);
      notice.set({ result: { kind: 'none' } });
      announce(t('teams.deletedDone', { id }));
    } catch (error) {
      // The server's 409 names the keys in English; the list has them, so say it in the page's language.
      const keys = Array.isArray(team.keys) ? team.keys.map(String).join(', ') : '';
      const said =
        error instanceof ApiError && error.code === 'team_in_use' ? new Error(t('teams.inUse', { id, keys })) : error;
      notice.set({ result: { kind: 'failed', error: said, title: 'teams.deleteFailed' } });
    }
    await changed();
  };
  const list = teamList({
    edit: (team) =>
      void editTeam(team).then((saved) => {
        if (!saved) return;
        announce(t('teams.savedDone', { id: String(team.id) }));
        return changed();
      }),
    remove: (team) => void remove(team),
  });
  const form = createTeamForm(async (id) => {
    announce(t('teams.createdDone', { id }));
    await changed();
  });

  afterConfig(form, signal, () => loadTeams(list, signal));
  return [
    pageHeader(t('nav.teams'), t('teams.lead')),
    card(t('teams.createTitle'), form.host),
    h(
      'section',
      { class: 'section', 'aria-labelledby': 'teams-title' },
      h('h2', { id: 'teams-title' }, t('teams.list')),
      notice.host,
      list.host,
    ),
  ];
}

/** The Teams page. */
export const teamsPage: Page = {
  title: 'nav.teams',
  draw: (_, signal) => draw(signal),
};
