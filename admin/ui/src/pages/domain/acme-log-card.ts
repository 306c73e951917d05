/** Caddy's latest ACME log lines, newest first. */
import { asText as str, isRecord } from '../../api.js';
import { empty } from '../../components/alerts.js';
import { card } from '../../components/card.js';
import { h } from '../../dom.js';
import { timeOfDay } from '../../format.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';

type Json = Record<string, unknown>;

function line(l: Json): HTMLElement {
  const ts = typeof l.ts === 'number' ? l.ts * 1000 : str(l.ts);
  const level = str(l.level);
  const rest = Object.entries(l)
    .filter(([k]) => !['ts', 'level', 'logger', 'msg'].includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return h(
    'li',
    { class: `log-line level-${level}` },
    h('span', { class: 'log-time' }, ts ? timeOfDay(ts) : ''),
    h('span', { class: `log-level lv-${level}` }, level),
    h('span', { class: 'log-logger' }, str(l.logger)),
    h('span', { class: 'log-msg' }, str(l.msg)),
    rest ? h('span', { class: 'log-fields' }, rest) : null,
  );
}

/** The last 30 lines of Caddy's status `status`; `onRefresh` reads it again. */
export function acmeLogCard(status: Json | undefined, onRefresh: () => void): HTMLElement {
  const lines = status && Array.isArray(status.acmeLog) ? status.acmeLog.filter(isRecord) : [];
  return card(
    t('domain.acmeLog'),
    lines.length
      ? h(
          'ol',
          { class: 'log-list', tabindex: 0, 'aria-label': t('domain.acmeLog') },
          lines.slice(-30).reverse().map(line),
        )
      : empty(t('domain.noAcmeLines')),
    {
      actions: h(
        'button',
        { type: 'button', class: 'btn btn-ghost btn-sm', onClick: onRefresh },
        icon('refresh', 16),
        t('action.refresh'),
      ),
    },
  );
}
