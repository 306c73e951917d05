/** Alerts, errors from the API, the loading spinner and empty states. */
import { ApiError } from '../api.js';
import { h, type Child } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';

/** An alert box. */
export function alertBox(tone: 'ok' | 'warn' | 'error' | 'info', ...body: Child[]): HTMLElement {
  return h(
    'div',
    { class: `alert alert-${tone}`, role: tone === 'error' ? 'alert' : 'status' },
    icon(tone === 'ok' ? 'check' : 'alert'),
    h('div', null, body),
  );
}

/** An error from the API (or anything thrown) as an alert with what the server said. */
export function errorBox(err: unknown, title = t('error.load')): HTMLElement {
  const message = err instanceof Error ? err.message : String(err);
  const status = err instanceof ApiError && err.status ? ` (${err.status})` : '';
  return alertBox('error', h('strong', null, title + status), h('p', null, message));
}

/** A spinner and a text: something is on its way. */
export function busy(text: string, role?: 'status'): HTMLElement {
  return h('p', { class: 'busy', role }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

/** A loading placeholder. */
export function loading(): HTMLElement {
  return busy(t('common.loading'), 'status');
}

/** An empty-state paragraph. */
export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}
