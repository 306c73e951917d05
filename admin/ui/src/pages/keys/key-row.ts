/** One key in the list: who it is for, its state and expiry, last use, spend this month, limits and its buttons. */
import { isRecord } from '../../api.js';
import { rowButton } from '../../components/row-button.js';
import { badge } from '../../components/status.js';
import { promptLogBadge } from '../../components/prompt-log-notice.js';
import { h, type Child } from '../../dom.js';
import { dateTime, money, relative } from '../../format.js';
import { limitsSummary } from '../../governance-summary.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

/** What the list's buttons do with a key. */
export interface KeyActions {
  edit(key: Json): void;
  rotate(key: Json): void;
  revoke(key: Json): void;
}

const none = (text = '—') => h('span', { class: 'muted' }, text);

function chips(items: string[]): HTMLElement {
  return h(
    'span',
    { class: 'chips' },
    items.map((x) => h('span', { class: 'chip' }, x)),
  );
}

function who(k: Json): Child {
  const tags = Array.isArray(k.tags) ? k.tags.map(String) : [];
  const parts: Child[] = [
    typeof k.team === 'string' ? h('span', { class: 'team-name' }, k.team) : null,
    typeof k.owner === 'string' && k.owner ? h('div', { class: 'small wrap' }, k.owner) : null,
    tags.length ? chips(tags) : null,
  ];
  return parts.some(Boolean) ? h('div', { class: 'cell-stack' }, parts) : none();
}

function state(k: Json): Child {
  const expired = k.expired === true;
  return h(
    'div',
    { class: 'cell-stack' },
    h(
      'span',
      null,
      k.status === 'disabled' ? badge(t('keys.revoked'), 'muted') : badge(t('keys.active'), 'ok'),
      expired ? badge(t('keys.expired'), 'error') : null,
    ),
    typeof k.expiresAt === 'string'
      ? h('span', { class: 'small' }, t(expired ? 'keys.expiredOn' : 'keys.expiresOn', { when: dateTime(k.expiresAt) }))
      : null,
    typeof k.previousSecretValidUntil === 'string'
      ? h('span', { class: 'small muted' }, t('keys.previousShort', { when: dateTime(k.previousSecretValidUntil) }))
      : null,
  );
}

function lastUsed(k: Json): Child {
  // Absent: the proxy did not answer; null: never used since the counters began.
  if (k.lastUsed === undefined) return none();
  if (typeof k.lastUsed !== 'string') return none(t('keys.never'));
  return h('time', { datetime: k.lastUsed, title: dateTime(k.lastUsed, true) }, relative(k.lastUsed));
}

/** The cells of key `k`; money is in `currency`. */
export function keyRow(k: Json, actions: KeyActions, currency: string): Child[] {
  const id = String(k.id);
  const models = Array.isArray(k.models) ? k.models.map(String) : undefined;
  const usage = isRecord(k.usage) ? k.usage : undefined;
  const active = k.status !== 'disabled';
  const summary = limitsSummary(k, currency);
  return [
    h(
      'div',
      { class: 'cell-stack' },
      h('code', null, id),
      promptLogBadge('key', id),
      typeof k.label === 'string' && k.label ? h('span', { class: 'small key-label' }, k.label) : null,
    ),
    who(k),
    models ? chips(models) : none(t('keys.allModels')),
    state(k),
    lastUsed(k),
    usage && typeof usage.spendThisMonth === 'number' ? money(usage.spendThisMonth, currency) : none(),
    summary ? h('span', { class: 'small' }, summary) : none(t('keys.noLimits')),
    h(
      'div',
      { class: 'row-actions' },
      rowButton(t('keys.edit'), t('keys.editNamed', { id }), () => actions.edit(k)),
      active ? rowButton(t('keys.rotate'), t('keys.rotateNamed', { id }), () => actions.rotate(k)) : null,
      active ? rowButton(t('keys.revoke'), t('keys.revokeNamed', { id }), () => actions.revoke(k), true) : null,
    ),
  ];
}
