/**
 * What the form fields store for what is typed or chosen, and the texts they derive from the
 * schema: empty inputs that mean "use the default", numbers, secrets that stay stored, a select's
 * shown value, the retry-status list. DOM-free, so unit tests import it.
 */
import { ms } from '../format.js';
import { t } from '../i18n.js';
import { MASK } from '../secrets.js';

/** A number input's reading: empty (use the default), a number, or not a number. */
export type NumberInput = { kind: 'unset' } | { kind: 'number'; value: number } | { kind: 'invalid' };

/** A list input's reading (retry statuses): empty, whole numbers, or not a list of them. */
export type StatusListInput = { kind: 'unset' } | { kind: 'list'; value: number[] } | { kind: 'invalid' };

/** What a text input stores: an empty input deletes the key (the default applies) unless kept. */
export function textValue(raw: string, required: boolean, empty?: 'delete' | 'keep'): string | undefined {
  return raw === '' && (empty ?? (required ? 'keep' : 'delete')) === 'delete' ? undefined : raw;
}

/** A number input's text (and whether the browser found it unparseable) as a reading. */
export function numberValue(text: string, badInput: boolean): NumberInput {
  const raw = text.trim();
  if (raw === '' && !badInput) return { kind: 'unset' };
  const n = Number(raw);
  if (raw === '' || !Number.isFinite(n)) return { kind: 'invalid' };
  return { kind: 'number', value: n };
}

/** What a secret input stores: typed text replaces the secret; emptied, the stored one (MASK) stays. */
export function secretValue(raw: string, stored: boolean): string | undefined {
  if (raw !== '') return raw;
  return stored ? MASK : undefined;
}

/** "429, 500 503" as a list of statuses. */
export function statusListValue(text: string): StatusListInput {
  const raw = text.trim();
  if (!raw) return { kind: 'unset' };
  const nums = raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  return nums.some((n) => !Number.isInteger(n)) ? { kind: 'invalid' } : { kind: 'list', value: nums };
}

/** Problems of a new admin password (the server stores only its scrypt hash). */
export function passwordProblems(value: string): string[] {
  return value && value.length < 12 ? [t('settings.passwordShort')] : [];
}

/** A choice of a select. */
export interface Choice {
  value: string;
  label: string;
}

/**
 * What a select shows for the stored value: the value itself (added as an extra choice when the
 * list does not know it, e.g. a removed upstream, rather than silently changing it), else the
 * default, else "unset" when allowed, else the first choice (what the server will assume).
 */
export function selectShown(
  choices: Choice[],
  current: unknown,
  dflt: unknown,
  unsetAllowed: boolean,
): { value: string; extra?: string } {
  const selected = current === undefined ? (unsetAllowed ? '' : String(dflt ?? '')) : String(current);
  const known = selected === '' || choices.some((c) => c.value === selected);
  if (!known) return { value: selected, extra: selected };
  if (selected === '' && !unsetAllowed) return { value: choices[0]?.value ?? '' };
  return { value: selected };
}

/** What a select stores for a chosen value ("unset" deletes the key). */
export function selectValue(raw: string, unsetAllowed: boolean): string | undefined {
  return raw === '' && unsetAllowed ? undefined : raw;
}

/** "Default: 800" for a text field's placeholder, when the schema has a plain default. */
export function defaultPlaceholder(dflt: unknown): string | undefined {
  if (dflt === undefined || typeof dflt === 'object') return undefined;
  return t('form.default', { value: String(dflt) });
}

/** "Default: 300000 ms (5 min)" after a number field's help, so an empty field says what it means. */
export function defaultNote(dflt: unknown, unit?: string): string | undefined {
  if (typeof dflt !== 'number') return undefined;
  return t('form.default', {
    value: `${dflt}${unit ? ` ${unit}` : ''}${unit === 'ms' && dflt >= 1000 ? ` (${ms(dflt)})` : ''}`,
  });
}
