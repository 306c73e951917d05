/**
 * Reviewing and applying the draft: a dialog lists what will change, checks the draft against
 * the schema, PUTs it with If-Match and shows each step of the apply transaction (and of the
 * rollback when one ran). A stale ETag (412) gets a conflict message with a way forward. The bar
 * at the bottom of the page counts pending changes on every page.
 */
import type { Issue, Step } from './api.js';
import { config, MASK, type ApplyOutcome, type Change } from './config-state.js';
import { announce, h, icon, mount } from './dom.js';
import { ms } from './format.js';
import { showValue } from './form.js';
import { hasKey, onLangChange, t } from './i18n.js';
import { navigate, pageForPath } from './router.js';
import { checkDeep } from './schema.js';

const ROLLBACK_STEPS = new Set(['restore_files', 'caddy_restore', 'proxy_restore']);

/** The steps of an apply as a list: ✓/✗, name, time, detail; rollback steps marked. */
export function stepList(steps: Step[]): HTMLElement {
  return h(
    'ol',
    { class: 'steps', 'aria-label': t('apply.steps') },
    steps.map((s) =>
      h(
        'li',
        { class: `step ${s.ok ? 'ok' : 'fail'}${ROLLBACK_STEPS.has(s.name) ? ' rollback' : ''}`, 'data-step': s.name },
        h('span', { class: 'step-icon', 'aria-hidden': 'true' }, icon(s.ok ? 'check' : 'alert', 16)),
        h('span', { class: 'step-name' }, stepLabel(s.name), ROLLBACK_STEPS.has(s.name) ? h('span', { class: 'badge badge-warn' }, t('apply.rollback')) : null),
        h('span', { class: 'visually-hidden' }, s.ok ? t('apply.stepOk') : t('apply.stepFailed')),
        h('span', { class: 'step-ms' }, ms(s.ms)),
        s.detail ? h('div', { class: 'step-detail' }, s.detail) : null,
      ),
    ),
  );
}

/** The translated name of an apply step. */
export function stepLabel(name: string): string {
  const key = `step.${name}`;
  return hasKey(key) ? t(key) : name;
}

/** The outcome of an apply as an alert block (used by the dialog and the Domain page). */
export function outcomeView(outcome: ApplyOutcome): HTMLElement {
  switch (outcome.kind) {
    case 'applied':
      return h(
        'div',
        { class: 'outcome' },
        h('div', { class: 'alert alert-ok', role: 'status' }, icon('check'), h('span', null, outcome.unchanged ? t('apply.unchanged') : t('apply.done'))),
        outcome.steps.length ? stepList(outcome.steps) : null,
        outcome.warnings.length ? h('ul', { class: 'warnings' }, outcome.warnings.map((w) => h('li', null, `${w.path || '/'}: ${w.message}`))) : null,
      );
    case 'failed':
      return h(
        'div',
        { class: 'outcome' },
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          icon('alert'),
          h('div', null, h('strong', null, t('apply.failed')), h('p', null, outcome.message), h('p', null, outcome.rolledBack === false ? t('apply.rollbackIncomplete') : t('apply.rolledBack')), outcome.hint ? h('p', null, outcome.hint) : null),
        ),
        stepList(outcome.steps),
      );
    case 'invalid':
      return h('div', { class: 'alert alert-error', role: 'alert' }, icon('alert'), h('div', null, h('strong', null, t('apply.invalid')), issueList(outcome.issues)));
    case 'conflict':
      return h('div', { class: 'alert alert-warn', role: 'alert' }, icon('alert'), h('div', null, h('strong', null, t('conflict.title')), h('p', null, t('conflict.body'))));
    case 'error':
      return h('div', { class: 'alert alert-error', role: 'alert' }, icon('alert'), h('div', null, h('strong', null, t('apply.error', { status: outcome.status })), h('p', null, outcome.message)));
  }
}

/** Issues as a list; each links to the page and field where it can be fixed. */
export function issueList(issues: Issue[], close?: () => void): HTMLElement {
  return h(
    'ul',
    { class: 'issues' },
    issues.map((i) =>
      h(
        'li',
        null,
        h(
          'a',
          {
            href: '#',
            onClick: (e: Event) => {
              e.preventDefault();
              close?.();
              navigate(pageForPath(i.path));
              setTimeout(() => focusPath(i.path), 50);
            },
          },
          h('code', null, i.path || '/'),
        ),
        ' ',
        i.message,
      ),
    ),
  );
}

/** Moves focus to the field of `path` (or its nearest enclosing element) on the current page. */
export function focusPath(path: string): void {
  const segs = path.split('/');
  for (let n = segs.length; n > 1; n--) {
    const p = segs.slice(0, n).join('/');
    const el = document.querySelector<HTMLElement>(`main [data-path="${CSS.escape(p)}"]`);
    if (el) {
      const target = el.matches('input, select, textarea') ? el : (el.querySelector<HTMLElement>('input, select, textarea, button') ?? el);
      target.focus();
      target.scrollIntoView({ block: 'center' });
      return;
    }
  }
}

function changeRow(c: Change): HTMLElement {
  const where = c.label.join(' › ') || '/';
  const kind = c.kind === 'added' ? t('diff.added') : c.kind === 'removed' ? t('diff.removed') : t('diff.changed');
  return h(
    'li',
    { class: `change change-${c.kind}` },
    h('span', { class: `badge badge-${c.kind}` }, kind),
    h('code', { class: 'change-path' }, where),
    h(
      'div',
      { class: 'change-values' },
      c.kind !== 'added' ? h('del', null, showValue(c.path, c.before)) : null,
      c.kind === 'changed' ? h('span', { 'aria-hidden': 'true' }, ' → ') : null,
      c.kind !== 'removed' ? h('ins', null, showValue(c.path, c.after)) : null,
    ),
  );
}

/** Opens the review dialog; resolves when it is closed. */
export function openReview(): void {
  const dialog = h('dialog', { class: 'dialog dialog-wide', 'aria-labelledby': 'review-title' });
  const body = h('div', { class: 'dialog-body' });
  const footer = h('div', { class: 'dialog-footer' });
  const close = () => dialog.close();
  dialog.append(
    h('div', { class: 'dialog-head' }, h('h2', { id: 'review-title' }, t('review.title')), h('button', { type: 'button', class: 'btn btn-ghost btn-icon', 'aria-label': t('action.close'), onClick: close }, icon('close'))),
    body,
    footer,
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);

  const review = () => {
    const changes = config.changes();
    // Masked secrets stand for stored values the server puts back; they are not checked here.
    const problems = checkDeep(config.schema, config.draft).filter((p) => config.get(p.path) !== MASK);
    mount(
      body,
      changes.length ? h('p', null, t('review.intro', { n: changes.length })) : h('p', null, t('review.none')),
      h('ul', { class: 'changes' }, changes.map(changeRow)),
      problems.length ? h('div', { class: 'alert alert-error', role: 'alert' }, icon('alert'), h('div', null, h('strong', null, t('review.problems')), issueList(problems, close))) : null,
    );
    const apply = h('button', { type: 'button', class: 'btn btn-primary', disabled: !changes.length || problems.length > 0, onClick: () => void run() }, t('action.apply'));
    mount(footer, h('button', { type: 'button', class: 'btn btn-secondary', onClick: close }, t('action.cancel')), apply);
    apply.focus();
  };

  const run = async () => {
    mount(body, h('p', { class: 'busy', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('apply.running')));
    mount(footer);
    const outcome = await config.apply();
    announce(outcome.kind === 'applied' ? t('apply.done') : t('apply.notApplied'));
    if (outcome.kind === 'invalid') {
      mount(body, outcomeView(outcome), h('div', null, issueList(outcome.issues, close)));
      mount(footer, h('button', { type: 'button', class: 'btn btn-primary', onClick: close }, t('action.fixFields')));
      return;
    }
    if (outcome.kind === 'conflict') {
      mount(body, outcomeView(outcome));
      mount(
        footer,
        h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => void config.reload().then(close) }, t('conflict.discard')),
        h('button', { type: 'button', class: 'btn btn-primary', onClick: () => void config.rebase().then(review) }, t('conflict.keep')),
      );
      return;
    }
    mount(body, outcomeView(outcome));
    mount(footer, h('button', { type: 'button', class: 'btn btn-primary', onClick: close }, t('action.close')));
    (footer.querySelector('button') as HTMLButtonElement | null)?.focus();
  };

  review();
  dialog.showModal();
}

/** The bar that shows pending changes: count, discard, review & apply. */
export function pendingBar(): HTMLElement {
  const bar = h('div', { class: 'pending-bar', role: 'region', 'aria-label': t('pending.region'), hidden: true });
  const update = () => {
    if (!config.original) {
      bar.hidden = true;
      return;
    }
    const n = config.changes().length;
    const issues = config.serverIssues.length;
    bar.hidden = n === 0 && issues === 0;
    mount(
      bar,
      h('span', { class: 'pending-text' }, n ? t('pending.count', { n }) : '', issues ? h('span', { class: 'badge badge-error' }, t('pending.issues', { n: issues })) : null),
      h('div', { class: 'pending-actions' },
        h('button', { type: 'button', class: 'btn btn-secondary', disabled: n === 0, onClick: () => config.discard() }, t('action.discard')),
        h('button', { type: 'button', class: 'btn btn-primary', disabled: n === 0, onClick: openReview }, t('action.review')),
      ),
    );
  };
  config.onChange(update);
  onLangChange(update);
  update();
  return bar;
}
