/**
 * The page area (`main`): the box of server issues no field shows, then the page; while the page's
 * data loads, its header and a spinner, and if loading fails, the error.
 */
import { component, type Self } from '../component.js';
import { alertBox, errorBox, loading } from '../components/alerts.js';
import { pageHeader } from '../components/page-header.js';
import { h, type Child } from '../dom.js';
import { t } from '../i18n.js';
import type { Issue } from '../api.js';
import type { Page } from '../page.js';
import { issueList } from './issue-list.js';
import { captureView, type ViewState } from './view-state.js';

type Frame = { phase: 'loading' } | { phase: 'failed'; error: unknown } | { phase: 'ready'; data: unknown };

interface FrameProps {
  page: Page;
  signal: AbortSignal;
  issues: HTMLElement;
}

function PageFrame({ page, signal, issues }: FrameProps, self: Self<{ frame: Frame }>): Child {
  const { frame } = self.state;
  if (frame.phase === 'ready') return [issues, page.draw(frame.data, signal)];
  const header = pageHeader(t(page.title), page.lead ? t(page.lead) : undefined);
  return [header, frame.phase === 'loading' ? loading() : errorBox(frame.error)];
}

/**
 * Draws `page` into `main` and resolves once its data is shown (at once for a page that loads
 * nothing first). `again`: the page is on screen already and stays there, not a spinner, until
 * its data is in, so it neither collapses nor loses its scroll position while it reloads; then
 * what the operator had open, focused and scrolled to right before the new draw is returned, for
 * the caller to give back (view-state.ts) once it has added to the page what it adds.
 */
export async function showPage(
  main: HTMLElement,
  page: Page,
  signal: AbortSignal,
  issues: HTMLElement,
  again = false,
): Promise<ViewState | undefined> {
  const props = { page, signal, issues };
  const { load } = page;
  if (!load) {
    const view = again ? captureView(main) : undefined;
    component(main, PageFrame, props, { frame: { phase: 'ready', data: undefined } });
    return view;
  }
  if (again) {
    const next = await loaded(load, signal);
    if (signal.aborted) return undefined;
    const view = captureView(main);
    component(main, PageFrame, props, { frame: next });
    return view;
  }
  const self = component(main, PageFrame, props, { frame: { phase: 'loading' } });
  const next = await loaded(load, signal);
  if (signal.aborted) return undefined;
  self.set({ frame: next });
  await new Promise<void>((resolve) => self.after(resolve));
  return undefined;
}

async function loaded(load: (signal: AbortSignal) => Promise<unknown>, signal: AbortSignal): Promise<Frame> {
  try {
    return { phase: 'ready', data: await load(signal) };
  } catch (error) {
    return { phase: 'failed', error };
  }
}

function IssuesBox(_: null, self: Self<{ issues: Issue[] }>): Child {
  const { issues } = self.state;
  return issues.length ? alertBox('error', h('strong', null, t('issues.elsewhere')), issueList(issues)) : null;
}

/** The box of the server's issues that no field of the page shows. */
export function issuesBox(): Self<{ issues: Issue[] }> {
  return component(h('div', { class: 'page-issues' }), IssuesBox, null, { issues: [] });
}
