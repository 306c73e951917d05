/** The Audit page's body: the chain banner, then the newest entries as a table. */
import { component, type Self } from '../../component.js';
import { empty, errorBox, loading } from '../../components/alerts.js';
import { badge } from '../../components/status.js';
import { table } from '../../components/table.js';
import { h, type Child } from '../../dom.js';
import { dateTime, num } from '../../format.js';
import { t } from '../../i18n.js';
import { actionText, outcomeTone, type AuditEntry, type AuditLog } from './audit-entry.js';
import { chainBanner } from './chain-banner.js';
import { changeList } from './change-list.js';

/** The body's state: loading, failed, or the log. */
export type AuditState = { phase: 'loading' } | { phase: 'failed'; error: unknown } | { phase: 'ready'; log: AuditLog };

function row(e: AuditEntry): Child[] {
  return [
    h('time', { datetime: e.at }, dateTime(e.at, true)),
    // An identity (oidc:…, local:…, token:…) is data, not a text to translate.
    h('span', { translate: 'no' }, e.actor),
    h('code', null, e.ip),
    h('span', { title: e.action }, actionText(e.action)),
    e.target ? h('code', null, e.target) : h('span', { class: 'muted' }, '—'),
    badge(String(e.outcome), outcomeTone(e.outcome)),
    changeList(e),
  ];
}

function AuditView(_: null, self: Self<{ view: AuditState }>): Child {
  const { view } = self.state;
  if (view.phase === 'loading') return loading();
  if (view.phase === 'failed') return errorBox(view.error);
  const { entries, chain } = view.log;
  return [
    chainBanner(chain),
    entries.length
      ? [
          h('p', { class: 'muted small' }, t('audit.showing', { n: num(entries.length), total: num(chain.entries) })),
          table(
            t('audit.entries'),
            [
              t('audit.time'),
              t('audit.who'),
              t('audit.from'),
              t('audit.action'),
              t('audit.target'),
              t('audit.outcome'),
              t('audit.changed'),
            ],
            entries.map(row),
            { class: 'audit-table', stackOnPhone: true },
          ),
        ]
      : empty(t('audit.none')),
  ];
}

/** The body; `set({ view })` shows the log. */
export function auditView(): Self<{ view: AuditState }> {
  return component(h('div', { class: 'stack-sm' }), AuditView, null, { view: { phase: 'loading' } });
}
