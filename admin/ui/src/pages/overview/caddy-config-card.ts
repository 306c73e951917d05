/** The JSON config Caddy runs, folded, with a copy button. */
import { card } from '../../components/card.js';
import { copyButton } from '../../components/copy-button.js';
import { h } from '../../dom.js';
import { num } from '../../format.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

/** The card, or nothing when Caddy's status has no config. */
export function caddyConfigCard(caddy: Json | undefined): HTMLElement | null {
  if (!caddy || caddy.config === null || caddy.config === undefined) return null;
  const text = JSON.stringify(caddy.config, null, 2);
  return card(
    t('overview.caddyConfig'),
    h(
      'details',
      { class: 'json-details' },
      h('summary', null, t('overview.showCaddyConfig', { size: num(text.length) })),
      h('pre', { class: 'code', tabindex: 0 }, text),
    ),
    { actions: copyButton(() => text) },
  );
}
