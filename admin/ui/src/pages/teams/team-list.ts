/** The teams, each a card; `loadTeams` fills it from GET /admin/api/teams. */
import { component, type Self } from '../../component.js';
import { empty, errorBox, loading } from '../../components/alerts.js';
import { loadList, type ListState } from '../../components/list-state.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';
import { teamCard, type TeamActions } from './team-card.js';

function TeamList(actions: TeamActions, self: Self<{ list: ListState }>): Child {
  const { list } = self.state;
  if (list.phase === 'loading') return loading();
  if (list.phase === 'failed') return errorBox(list.error);
  if (!list.items.length) return empty(t('teams.none'));
  const currency = config.currency();
  const now = Date.now();
  return h(
    'div',
    { class: 'grid-2 team-grid' },
    list.items.map((team) => teamCard(team, actions, currency, now)),
  );
}

/** The list of teams. */
export function teamList(actions: TeamActions): Self<{ list: ListState }> {
  return component(h('div'), TeamList, actions, { list: { phase: 'loading' } });
}

/** Fetches the teams into `list`. */
export function loadTeams(list: Self<{ list: ListState }>, signal: AbortSignal): Promise<void> {
  return loadList(list, '/teams', signal);
}
