/**
 * Reviewing and applying the draft: a dialog lists what will change, checks the draft against
 * the schema, PUTs it with If-Match and shows each step of the apply transaction (and of the
 * rollback when one ran). A stale ETag (412) gets a conflict message with a way forward.
 */
import type { ApplyOutcome } from '../apply-outcome.js';
import { component, type Self } from '../component.js';
import { config } from '../config-state.js';
import { announce, h, type Child } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { busy } from '../components/alerts.js';
import { checkDeep } from '../schema-check.js';
import { MASK } from '../secrets.js';
import { changeList } from './change-list.js';
import { issueList } from './issue-list.js';
import { outcomeView } from './outcome-view.js';
import { accessWarnings, type Here } from '../access-warnings.js';
import { refreshStaged } from './staged-banner.js';

type Phase = { step: 'review' } | { step: 'running' } | { step: 'done'; outcome: ApplyOutcome };

interface ReviewProps {
  head: HTMLElement;
  close: () => void;
}

function body(...children: Child[]): HTMLElement {
  return h('div', { class: 'dialog-body' }, children);
}

function footer(...children: Child[]): HTMLElement {
  return h('div', { class: 'dialog-footer' }, children);
}

/** Where this console is open, as the access warnings need it. */
function here(): Here {
  return { hostname: location.hostname, port: location.port ? Number(location.port) : 443 };
}

/** What the draft does to access, in plain words (access-warnings.ts); nothing when it does nothing. */
function accessBox(): Child {
  const warnings = accessWarnings(config.original, config.draft, here());
  if (!warnings.length) return null;
  return h(
    'div',
    { class: 'alert alert-warn access-warnings', role: 'status' },
    icon('alert'),
    h(
      'div',
      null,
      h('strong', null, t('access.title')),
      h(
        'ul',
        null,
        warnings.map((w) => h('li', null, t(w.key, w.params))),
      ),
    ),
  );
}

async function run(self: Self<{ phase: Phase }, HTMLDialogElement>): Promise<void> {
  self.set({ phase: { step: 'running' } });
  const outcome = await config.apply();
  // A domain, TLS or port change is now staged: the banner shows it at once.
  refreshStaged();
  announce(outcome.kind === 'applied' ? t('apply.done') : t('apply.notApplied'));
  self.set({ phase: { step: 'done', outcome } });
}

function review({ head, close }: ReviewProps, self: Self<{ phase: Phase }, HTMLDialogElement>): Child {
  const changes = config.changes();
  // Masked secrets stand for stored values the server puts back; they are not checked here.
  const problems = checkDeep(config.schema, config.draft).filter((p) => config.get(p.path) !== MASK);
  const apply = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-primary',
      disabled: !changes.length || problems.length > 0,
      onClick: () => void run(self),
    },
    t('action.apply'),
  );
  self.after(() => apply.focus());
  return [
    head,
    body(
      changes.length ? h('p', null, t('review.intro', { n: changes.length })) : h('p', null, t('review.none')),
      changeList(changes),
      accessBox(),
      problems.length
        ? h(
            'div',
            { class: 'alert alert-error', role: 'alert' },
            icon('alert'),
            h('div', null, h('strong', null, t('review.problems')), issueList(problems, close)),
          )
        : null,
    ),
    footer(h('button', { type: 'button', class: 'btn btn-secondary', onClick: close }, t('action.cancel')), apply),
  ];
}

function done(
  { head, close }: ReviewProps,
  self: Self<{ phase: Phase }, HTMLDialogElement>,
  outcome: ApplyOutcome,
): Child {
  if (outcome.kind === 'invalid') {
    return [
      head,
      body(outcomeView(outcome), h('div', null, issueList(outcome.issues, close))),
      footer(h('button', { type: 'button', class: 'btn btn-primary', onClick: close }, t('action.fixFields'))),
    ];
  }
  if (outcome.kind === 'conflict') {
    return [
      head,
      body(outcomeView(outcome)),
      footer(
        h(
          'button',
          { type: 'button', class: 'btn btn-secondary', onClick: () => void config.reload().then(close) },
          t('conflict.discard'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary',
            onClick: () => void config.rebase().then(() => self.set({ phase: { step: 'review' } })),
          },
          t('conflict.keep'),
        ),
      ),
    ];
  }
  const closeBtn = h('button', { type: 'button', class: 'btn btn-primary', onClick: close }, t('action.close'));
  self.after(() => closeBtn.focus());
  return [head, body(outcomeView(outcome)), footer(closeBtn)];
}

function Review(props: ReviewProps, self: Self<{ phase: Phase }, HTMLDialogElement>): Child {
  const { phase } = self.state;
  if (phase.step === 'review') return review(props, self);
  if (phase.step === 'running') return [props.head, body(busy(t('apply.running'), 'status')), footer()];
  return done(props, self, phase.outcome);
}

/** Opens the review dialog. */
export function openReview(): void {
  const dialog = h('dialog', { class: 'dialog dialog-wide', 'aria-labelledby': 'review-title' });
  const close = () => dialog.close();
  const head = h(
    'div',
    { class: 'dialog-head' },
    h('h2', { id: 'review-title' }, t('review.title')),
    h(
      'button',
      { type: 'button', class: 'btn btn-ghost btn-icon', 'aria-label': t('action.close'), onClick: close },
      icon('close'),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  component(dialog, Review, { head, close }, { phase: { step: 'review' } });
  dialog.showModal();
}
