/**
 * The limits and budget inputs of a key or a team (docs/governance.md): five limits (empty: none)
 * and a budget in the server's currency with its period and alert thresholds in percent.
 */
import { h } from '../dom.js';
import {
  BUDGET_PERIODS,
  LIMIT_NAMES,
  type BudgetPeriod,
  type GovernanceValues,
  type LimitName,
} from '../governance-values.js';
import { t, type MsgKey } from '../i18n.js';
import { plainField, selectInput, textInput } from './plain-field.js';

const LABELS: Record<LimitName, MsgKey> = {
  requestsPerMinute: 'gov.requestsPerMinute',
  tokensPerMinute: 'gov.tokensPerMinute',
  tokensPerDay: 'gov.tokensPerDay',
  tokensPerMonth: 'gov.tokensPerMonth',
  maxConcurrent: 'gov.maxConcurrent',
};

const PERIODS: Record<BudgetPeriod, MsgKey> = {
  day: 'gov.period.day',
  month: 'gov.period.month',
  total: 'gov.period.total',
};

/** The inputs and how to read them. */
export interface GovernanceInputs {
  nodes: HTMLElement[];
  read(): GovernanceValues;
}

/** The limits and budget fieldsets filled with `values`; `teamNote` says limits add to the team's. */
export function governanceFields(values: GovernanceValues, currency: string, teamNote: boolean): GovernanceInputs {
  const limits = LIMIT_NAMES.map((name) => ({
    name,
    input: textInput(values.limits[name], { inputmode: 'numeric', placeholder: t('gov.noLimit') }),
  }));
  const amount = textInput(values.budgetAmount, { inputmode: 'decimal', placeholder: t('gov.noBudget') });
  const period = selectInput(
    BUDGET_PERIODS.map((p) => ({ value: p, label: t(PERIODS[p]) })),
    values.budgetPeriod,
  );
  const alerts = textInput(values.budgetAlerts, { inputmode: 'decimal', placeholder: '50, 80' });
  const nodes = [
    h(
      'fieldset',
      { class: 'subsection' },
      h('legend', null, t('gov.limits')),
      h('p', { class: 'help' }, t(teamNote ? 'gov.limitsHelpKey' : 'gov.limitsHelpTeam')),
      h(
        'div',
        { class: 'form-grid pairs' },
        limits.map(({ name, input }) => plainField(`/limits/${name}`, t(LABELS[name]), input, { size: 'sm' })),
      ),
    ),
    h(
      'fieldset',
      { class: 'subsection' },
      h('legend', null, t('gov.budget')),
      h('p', { class: 'help' }, t('gov.budgetHelp')),
      h(
        'div',
        { class: 'form-grid pairs' },
        plainField('/budget/amount', t('gov.amount'), amount, { size: 'sm', unit: currency }),
        plainField('/budget/period', t('gov.period'), period, { size: 'sm' }),
        plainField('/budget/alertAt', t('gov.alerts'), alerts, { size: 'sm', unit: '%', help: t('gov.alertsHelp') }),
      ),
    ),
  ];
  return {
    nodes,
    read: () => ({
      limits: Object.fromEntries(limits.map(({ name, input }) => [name, input.value])) as Record<LimitName, string>,
      budgetAmount: amount.value,
      budgetPeriod: BUDGET_PERIODS.find((p) => p === period.value) ?? 'month',
      budgetAlerts: alerts.value,
    }),
  };
}
