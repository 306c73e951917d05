/**
 * Audit: whether the audit log's hash chain is intact (or where it breaks and why), and its
 * newest entries: when, who, from where, what, on what, the outcome, and the settings changed.
 */
import { getJson } from '../../api.js';
import { card } from '../../components/card.js';
import { pageHeader } from '../../components/page-header.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import type { Page } from '../../page.js';
import { auditLog } from './audit-entry.js';
import { auditView } from './audit-view.js';

/** How many entries the page shows. */
const LIMIT = 200;

function draw(signal: AbortSignal): Child {
  const view = auditView();
  const load = async () => {
    try {
      const log = auditLog(await getJson(`/audit?limit=${LIMIT}`, signal));
      if (!signal.aborted) view.set({ view: { phase: 'ready', log } });
    } catch (error) {
      if (!signal.aborted) view.set({ view: { phase: 'failed', error } });
    }
  };
  void load();
  const refresh = h(
    'button',
    { type: 'button', class: 'btn btn-secondary', onClick: () => void load() },
    icon('refresh', 16),
    t('action.refresh'),
  );
  return [pageHeader(t('nav.audit'), t('audit.lead'), refresh), card(null, view.host)];
}

/** The Audit page. */
export const auditPage: Page = {
  title: 'nav.audit',
  draw: (_, signal) => draw(signal),
};
