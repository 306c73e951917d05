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

/** Draws `page` into `main` and resolves once its data is shown (at once for a page that loads nothing first). */
export async function showPage(main: HTMLElement, page: Page, signal: AbortSignal, issues: HTMLElement): Promise<void> {
  const first: Frame = page.load ? { phase: 'loading' } : { phase: 'ready', data: undefined };
  const self = component(main, PageFrame, { page, signal, issues }, { frame: first });
  if (!page.load) return;
  let next: Frame;
  try {
    next = { phase: 'ready', data: await page.load(signal) };
  } catch (error) {
    next = { phase: 'failed', error };
  }
  if (signal.aborted) return;
  self.set({ frame: next });
  await new Promise<void>((resolve) => self.after(resolve));
}

function IssuesBox(_: null, self: Self<{ issues: Issue[] }>): Child {
  const { issues } = self.state;
  return issues.length ? alertBox('error', h('strong', null, t('issues.elsewhere')), issueList(issues)) : null;
}

/** The box of the server's issues that no field of the page shows. */
export function issuesBox(): Self<{ issues: Issue[] }> {
  return component(h('div', { class: 'page-issues' }), IssuesBox, null, { issues: [] });
}
