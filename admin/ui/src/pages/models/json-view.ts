/** The whole config as JSON (secrets masked), edited as text and used as the draft. */
import { isRecord } from '../../api.js';
import { component, type Self } from '../../component.js';
import { card } from '../../components/card.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';
import { openReview } from '../../shell/review-dialog.js';

/** Text of the raw editor while the user is in JSON mode (kept across language switches). */
let rawText: string | undefined;

/** The draft as the editor shows it. */
function draftText(): string {
  return JSON.stringify(config.draft, null, 2);
}

/** Whether the editor holds text that differs from the draft (leaving JSON mode would lose it). */
export function rawEdited(): boolean {
  return rawText !== undefined && rawText !== draftText();
}

/** Forgets the editor's text (the next JSON view starts from the draft). */
export function forgetRaw(): void {
  rawText = undefined;
}

/** The text as a config object, or what is wrong with it. */
function parseRaw(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string; syntax: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      message: t('models.jsonInvalid', { message: e instanceof Error ? e.message : String(e) }),
      syntax: true,
    };
  }
  return isRecord(parsed)
    ? { ok: true, value: parsed }
    : { ok: false, message: t('models.jsonNotObject'), syntax: false };
}

function RawError(_: null, self: Self<{ message: string | undefined }>): Child {
  return self.state.message ? h('p', { class: 'error' }, self.state.message) : null;
}

/** The JSON card. */
export function jsonView(): HTMLElement {
  rawText ??= draftText();
  const area = h('textarea', {
    id: 'raw-json',
    class: 'code-editor',
    spellcheck: 'false',
    rows: 28,
    'aria-describedby': 'raw-help raw-err',
  });
  area.value = rawText;
  const err = component(h('div', { id: 'raw-err', class: 'errors', 'aria-live': 'polite' }), RawError, null, {
    message: undefined,
  });
  area.addEventListener('input', () => {
    rawText = area.value;
  });
  const use = () => {
    const read = parseRaw(area.value);
    if (!read.ok) {
      err.set({ message: read.message });
      if (read.syntax) {
        area.setAttribute('aria-invalid', 'true');
        area.focus();
      }
      return;
    }
    area.setAttribute('aria-invalid', 'false');
    err.set({ message: undefined });
    rawText = undefined;
    config.replace(read.value);
    openReview();
  };
  const reset = () => {
    rawText = draftText();
    area.value = rawText;
    err.set({ message: undefined });
  };
  return card(
    t('models.rawTitle'),
    h(
      'div',
      null,
      h('p', { class: 'help', id: 'raw-help' }, t('models.rawHelp')),
      h('label', { for: 'raw-json', class: 'visually-hidden' }, t('models.rawTitle')),
      area,
      err.host,
      h(
        'div',
        { class: 'button-row' },
        h('button', { type: 'button', class: 'btn btn-primary', onClick: use }, t('models.rawUse')),
        h('button', { type: 'button', class: 'btn btn-secondary', onClick: reset }, t('models.rawReset')),
      ),
    ),
  );
}
