/** Whether the audit log's hash chain holds: every entry in place and unedited, or where it breaks and why. */
import { alertBox } from '../../components/alerts.js';
import { h } from '../../dom.js';
import { num } from '../../format.js';
import { t } from '../../i18n.js';
import { reasonText, type ChainState } from './audit-entry.js';

/** The banner of `chain`. */
export function chainBanner(chain: ChainState): HTMLElement {
  if (chain.intact) {
    return alertBox(
      'ok',
      h('strong', null, t('audit.intact')),
      h('p', null, t('audit.intactBody', { n: num(chain.entries) })),
    );
  }
  return alertBox(
    'error',
    h('strong', null, t('audit.broken', { line: num(chain.brokenAt ?? 0) })),
    h('p', null, reasonText(chain.reason)),
    h('p', null, t('audit.brokenBody')),
  );
}
