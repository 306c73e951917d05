/** A budget's use as a bar: this period's spend against the amount, with the numbers in words. */
import { h } from '../dom.js';
import { money, percent } from '../format.js';
import type { BudgetUse } from '../governance-summary.js';
import { t } from '../i18n.js';

/** The bar of `use`, amounts in `currency`. */
export function budgetBar(use: BudgetUse, currency: string): HTMLElement {
  const words = t(`gov.spentOf.${use.period}`, {
    spend: money(use.spend, currency),
    amount: money(use.amount, currency),
    pct: percent(use.ratio),
  });
  const fill = h('div', { class: `meter-fill meter-${use.tone}` });
  // Set through the CSSOM: the Content-Security-Policy refuses inline style attributes.
  fill.style.width = `${Math.min(100, Math.max(0, use.ratio * 100))}%`;
  return h(
    'div',
    { class: 'budget' },
    h(
      'div',
      {
        class: 'meter',
        role: 'meter',
        'aria-valuemin': 0,
        'aria-valuemax': use.amount,
        'aria-valuenow': Math.min(use.spend, use.amount),
        'aria-valuetext': words,
        'aria-label': t('gov.budget'),
      },
      fill,
    ),
    h('div', { class: 'small' }, words),
  );
}
