/** The API keys (no secrets: the server keeps only hashes), each with its edit, rotate and revoke buttons. */
import { component, type Self } from '../../component.js';
import { empty, errorBox, loading } from '../../components/alerts.js';
import { loadList, type ListState } from '../../components/list-state.js';
import { table } from '../../components/table.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';
import { keyRow, type KeyActions } from './key-row.js';

function KeyList(actions: KeyActions, self: Self<{ list: ListState }>): Child {
  const { list } = self.state;
  if (list.phase === 'loading') return loading();
  if (list.phase === 'failed') return errorBox(list.error);
  const keys = list.items;
  const active = keys.filter((k) => k.status !== 'disabled').length;
  const currency = config.currency();
  return [
    keys.length
      ? table(
          t('keys.list'),
          [
            t('keys.key'),
            t('keys.teamOwner'),
            t('keys.models'),
            t('common.status'),
            t('keys.lastUsed'),
            t('keys.spendMonth'),
            t('keys.limits'),
            h('span', { class: 'visually-hidden' }, t('common.actions')),
          ],
          keys.map((k) => keyRow(k, actions, currency)),
          { numeric: [5], class: 'key-table', stackOnPhone: true },
        )
      : empty(t('keys.none')),
    h('p', { class: 'muted small' }, t('keys.count', { active, total: keys.length })),
  ];
}

/** The list of keys; `loadKeys` fills it. */
export function keyList(actions: KeyActions): Self<{ list: ListState }> {
  return component(h('div'), KeyList, actions, { list: { phase: 'loading' } });
}

/** Fetches the keys into `list`. */
export function loadKeys(list: Self<{ list: ListState }>, signal: AbortSignal): Promise<void> {
  return loadList(list, '/keys', signal);
}
