/**
 * One team: its limits, its budget with this period's spend as a bar, tokens today and this month,
 * its member keys and the budget alerts crossed this period, with its edit and delete buttons.
 */
import { isRecord } from '../../api.js';
import { budgetBar } from '../../components/budget-bar.js';
import { card } from '../../components/card.js';
import { rowButton } from '../../components/row-button.js';
import { badge } from '../../components/status.js';
import { facts } from '../../components/table.js';
import { h, type Child } from '../../dom.js';
import { dateTime, num, percent } from '../../format.js';
import { alertsThisPeriod, budgetUse, limitsSummary } from '../../governance-summary.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

/** What the card's buttons do with a team. */
export interface TeamActions {
  edit(team: Json): void;
  remove(team: Json): void;
}

const none = (text: string) => h('span', { class: 'muted' }, text);

function tokens(usage: Json | undefined, field: string): Child {
  return usage && typeof usage[field] === 'number' ? num(usage[field]) : none('—');
}

function alerts(team: Json, now: number): Child {
  const crossed = alertsThisPeriod(team.alerts, team, now);
  if (!crossed.length) return none(t('teams.noAlerts'));
  return h(
    'span',
    { class: 'chips' },
    crossed.map((a) =>
      h(
        'span',
        { title: dateTime(a.at, true) },
        badge(
          a.threshold >= 1 ? t('teams.alertSpent') : t('teams.alertAt', { pct: percent(a.threshold) }),
          a.threshold >= 1 ? 'error' : 'warn',
        ),
      ),
    ),
  );
}

/** The card of team `team`; money in `currency`, periods as of `now`. */
export function teamCard(team: Json, actions: TeamActions, currency: string, now: number): HTMLElement {
  const id = String(team.id);
  const usage = isRecord(team.usage) ? team.usage : undefined;
  const keys = Array.isArray(team.keys) ? team.keys.map(String) : [];
  const use = budgetUse(team, usage);
  const summary = limitsSummary({ limits: team.limits }, currency);
  const title = h(
    'span',
    null,
    typeof team.label === 'string' && team.label ? team.label : id,
    ' ',
    h('code', { class: 'muted small' }, id),
  );
  return card(
    title,
    [
      facts([
        [t('gov.limits'), summary || none(t('keys.noLimits'))],
        [t('teams.tokensToday'), tokens(usage, 'tokensToday')],
        [t('teams.tokensMonth'), tokens(usage, 'tokensThisMonth')],
        [
          t('teams.keys'),
          keys.length
            ? h(
                'span',
                { class: 'chips' },
                keys.map((k) => h('span', { class: 'chip' }, k)),
              )
            : none(t('teams.noKeys')),
        ],
        [t('teams.alerts'), alerts(team, now)],
      ]),
      h('h3', null, t('gov.budget')),
      use ? budgetBar(use, currency) : none(t('teams.noBudget')),
    ],
    {
      class: 'team-card',
      actions: [
        rowButton(t('keys.edit'), t('teams.editNamed', { id }), () => actions.edit(team)),
        rowButton(t('teams.delete'), t('teams.deleteNamed', { id }), () => actions.remove(team), true),
      ],
    },
  );
}
