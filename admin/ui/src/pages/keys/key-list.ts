/** The API keys (no secrets: the server keeps only hashes), each with a revoke button. */
import { getJson, isRecord } from '../../api.js';
import { component, type Self } from '../../component.js';
import { empty, errorBox, loading } from '../../components/alerts.js';
import { badge } from '../../components/status.js';
import { table } from '../../components/table.js';
import { h, type Child } from '../../dom.js';
import { dateTime } from '../../format.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

/** The list's state: loading, failed, or the keys. */
export type KeyListState =
  { phase: 'loading' } | { phase: 'failed'; error: unknown } | { phase: 'ready'; keys: Json[] };

/** What the list does when a key's revoke button is pressed. */
export type Revoke = (id: string, label: string) => void;

function row(k: Json, revoke: Revoke): Child[] {
  const kid = String(k.id);
  const models = Array.isArray(k.models) ? k.models.map(String) : undefined;
  return [
    h('code', null, kid),
    typeof k.label === 'string' && k.label ? k.label : h('span', { class: 'muted' }, '—'),
    models
      ? h(
          'span',
          { class: 'chips' },
          models.map((m) => h('span', { class: 'chip' }, m)),
        )
      : h('span', { class: 'muted' }, t('keys.allModels')),
    k.status === 'disabled' ? badge(t('keys.revoked'), 'muted') : badge(t('keys.active'), 'ok'),
    k.createdAt ? dateTime(String(k.createdAt)) : '—',
    k.status === 'disabled'
      ? ''
      : h(
          'button',
          {
            type: 'button',
            class: 'btn btn-ghost btn-sm btn-danger-text',
            'aria-label': t('keys.revokeNamed', { id: kid }),
            onClick: () => revoke(kid, typeof k.label === 'string' ? k.label : ''),
          },
          t('keys.revoke'),
        ),
  ];
}

function KeyList(revoke: Revoke, self: Self<{ list: KeyListState }>): Child {
  const { list } = self.state;
  if (list.phase === 'loading') return loading();
  if (list.phase === 'failed') return errorBox(list.error);
  const keys = list.keys;
  const active = keys.filter((k) => k.status !== 'disabled').length;
  return [
    keys.length
      ? table(
          t('keys.list'),
          [
            t('keys.id'),
            t('keys.label'),
            t('keys.models'),
            t('common.status'),
            t('keys.created'),
            h('span', { class: 'visually-hidden' }, t('common.actions')),
          ],
          keys.map((k) => row(k, revoke)),
        )
      : empty(t('keys.none')),
    h('p', { class: 'muted small' }, t('keys.count', { active, total: keys.length })),
  ];
}

/** The list of keys; `loadKeys` fills it. */
export function keyList(revoke: Revoke): Self<{ list: KeyListState }> {
  return component(h('div'), KeyList, revoke, { list: { phase: 'loading' } });
}

/** Fetches the keys into `list`. */
export async function loadKeys(list: Self<{ list: KeyListState }>, signal: AbortSignal): Promise<void> {
  try {
    const res = await getJson<Json>('/keys', signal);
    if (!signal.aborted)
      list.set({ list: { phase: 'ready', keys: Array.isArray(res.data) ? res.data.filter(isRecord) : [] } });
  } catch (error) {
    if (!signal.aborted) list.set({ list: { phase: 'failed', error } });
  }
}
