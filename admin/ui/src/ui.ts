/** Building blocks shared by the pages: headers, cards, badges, tables, alerts, dialogs. */
import { ApiError } from './api.js';
import { announce, h, icon, type Child } from './dom.js';
import { t } from './i18n.js';

/** The page heading (focused after navigation) with a description and actions. */
export function pageHeader(title: string, description?: Child, ...actions: Child[]): HTMLElement {
  return h(
    'header',
    { class: 'page-header' },
    h('div', null, h('h1', { tabindex: -1, id: 'page-title' }, title), description ? h('p', { class: 'lead' }, description) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null,
  );
}

/** A card; with `path` it is also where server issues of that config path land. */
export function card(title: Child, body: Child, opts: { path?: string; actions?: Child; class?: string; id?: string } = {}): HTMLElement {
  return h(
    'section',
    { class: `card${opts.class ? ` ${opts.class}` : ''}`, 'data-path': opts.path, id: opts.id, 'aria-label': typeof title === 'string' ? title : null },
    title || opts.actions ? h('div', { class: 'card-head' }, title ? h('h2', null, title) : h('span'), opts.actions ? h('div', { class: 'card-actions' }, opts.actions) : null) : null,
    opts.path !== undefined ? h('div', { class: 'errors', 'aria-live': 'polite' }) : null,
    h('div', { class: 'card-body' }, body),
  );
}

/** A coloured state label; the text carries the meaning, the colour only repeats it. */
export function badge(text: string, tone: 'ok' | 'warn' | 'error' | 'muted' | 'info'): HTMLElement {
  return h('span', { class: `badge badge-${tone}` }, text);
}

/** A state dot + text. */
export function state(text: string, tone: 'ok' | 'warn' | 'error' | 'muted'): HTMLElement {
  return h('span', { class: `state state-${tone}` }, h('span', { class: 'dot', 'aria-hidden': 'true' }), text);
}

/** An alert box. */
export function alertBox(tone: 'ok' | 'warn' | 'error' | 'info', ...body: Child[]): HTMLElement {
  return h('div', { class: `alert alert-${tone}`, role: tone === 'error' ? 'alert' : 'status' }, icon(tone === 'ok' ? 'check' : 'alert'), h('div', null, body));
}

/** An error from the API (or anything thrown) as an alert with what the server said. */
export function errorBox(err: unknown, title = t('error.load')): HTMLElement {
  const message = err instanceof Error ? err.message : String(err);
  const status = err instanceof ApiError && err.status ? ` (${err.status})` : '';
  return alertBox('error', h('strong', null, title + status), h('p', null, message));
}

/** A loading placeholder. */
export function loading(): HTMLElement {
  return h('p', { class: 'busy', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('common.loading'));
}

/** An empty-state paragraph. */
export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

/** A table with a caption (visually hidden unless given `showCaption`) that scrolls sideways on phones. */
export function table(caption: string, head: Child[], rows: Child[][], opts: { showCaption?: boolean; numeric?: number[]; class?: string } = {}): HTMLElement {
  const numeric = new Set(opts.numeric ?? []);
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: opts.class ?? '' },
      h('caption', { class: opts.showCaption ? '' : 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, head.map((c, i) => h('th', { scope: 'col', class: numeric.has(i) ? 'num' : '' }, c)))),
      h('tbody', null, rows.map((r) => h('tr', null, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: numeric.has(i) ? 'num' : '' }, c)))))),
    ),
  );
}

/** A key/value list. */
export function facts(items: [string, Child][]): HTMLElement {
  return h('dl', { class: 'facts' }, items.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));
}

/** A button that copies `text()` and says so. */
export function copyButton(text: () => string, label = t('action.copy')): HTMLButtonElement {
  const btn = h('button', { type: 'button', class: 'btn btn-secondary' }, icon('copy', 16), h('span', null, label));
  btn.addEventListener('click', () => {
    void copyText(text()).then((ok) => {
      const span = btn.querySelector('span');
      if (span) span.textContent = ok ? t('action.copied') : t('action.copyFailed');
      announce(ok ? t('action.copied') : t('action.copyFailed'));
      setTimeout(() => {
        if (span) span.textContent = label;
      }, 2000);
    });
  });
  return btn;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (an HTTP origin, an old browser): select the text for Ctrl+C.
    return false;
  }
}

/** A modal yes/no question; resolves true on confirm. */
export function confirmDialog(title: string, body: Child, confirmLabel: string, tone: 'danger' | 'primary' = 'primary'): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'confirm-title' });
    const yes = h('button', { type: 'button', class: `btn btn-${tone}`, onClick: () => { answer = true; dialog.close(); } }, confirmLabel);
    dialog.append(
      h('div', { class: 'dialog-head' }, h('h2', { id: 'confirm-title' }, title)),
      h('div', { class: 'dialog-body' }, body),
      h('div', { class: 'dialog-footer' }, h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => dialog.close() }, t('action.cancel')), yes),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    yes.focus();
  });
}

/** A segmented control (radio group) for a few choices. */
export function segmented<T extends string>(label: string, options: { value: T; label: string }[], value: T, onChange: (v: T) => void): HTMLElement {
  const name = `seg-${Math.random().toString(36).slice(2, 8)}`;
  return h(
    'fieldset',
    { class: 'segmented' },
    h('legend', { class: 'visually-hidden' }, label),
    options.map((o) => {
      const id = `${name}-${o.value}`;
      const input = h('input', { type: 'radio', name, id, value: o.value, checked: o.value === value });
      input.addEventListener('change', () => input.checked && onChange(o.value));
      return h('span', { class: 'seg' }, input, h('label', { for: id }, o.label));
    }),
  );
}

/** Whether an automatic refresh of `box` would disturb the user (focus inside, a section opened). */
export function busyWith(box: Element): boolean {
  return box.contains(document.activeElement) || box.querySelector('details[open]') !== null || document.visibilityState !== 'visible';
}

/** A labelled control that is not bound to the config (filters, playground). */
export function control(label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, help?: Child): HTMLElement {
  const id = input.id || `c-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const helpEl = help ? h('div', { class: 'help', id: `${id}-help` }, help) : null;
  if (helpEl) input.setAttribute('aria-describedby', helpEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, helpEl);
}
