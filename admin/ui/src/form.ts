/**
 * Form fields bound to a path of the config draft. Each field has a label, optional help, and an
 * error slot (announced, linked by aria-describedby); a value is checked against the schema as it
 * is typed, and the server's `{path, message}` issues land on the field of that path (or, failing
 * that, on the nearest enclosing element that has a `data-path`).
 */
import type { Issue } from './api.js';
import { config, isSecretPath, MASK } from './config-state.js';
import { h, uid, type Child } from './dom.js';
import { ms } from './format.js';
import { t } from './i18n.js';
import { check, defaultAt, isRequired, literals, pointerSegments, schemaAt } from './schema.js';

/** Common options of the fields. */
export interface FieldOptions {
  label: string;
  help?: Child;
  placeholder?: string;
  /** Empty input: delete the key (the default applies) or keep an empty string. */
  empty?: 'delete' | 'keep';
  /** CSS width hint. */
  size?: 'sm' | 'md' | 'lg';
  autocomplete?: string;
  inputMode?: string;
  /** Called after the draft changed. */
  onChange?: (value: unknown) => void;
}

function wrapper(path: string, label: HTMLElement, control: HTMLElement, helpId: string, errId: string, help: Child, size?: string): HTMLElement {
  return h(
    'div',
    { class: `field${size ? ` field-${size}` : ''}`, 'data-path': path, 'data-field': '' },
    label,
    control,
    help ? h('div', { class: 'help', id: helpId }, help) : null,
    h('div', { class: 'errors', id: errId, 'aria-live': 'polite' }),
  );
}

function describe(input: HTMLElement, helpId: string, errId: string, hasHelp: boolean): void {
  input.setAttribute('aria-describedby', hasHelp ? `${helpId} ${errId}` : errId);
}

/** Shows `messages` in the error slot of the field wrapper `field` (client-side kind). */
export function setFieldErrors(field: Element, messages: string[], kind: 'client' | 'server' = 'client'): void {
  const slot = field.querySelector(':scope > .errors');
  if (!slot) return;
  for (const old of [...slot.querySelectorAll(`[data-kind="${kind}"]`)]) old.remove();
  for (const m of messages) slot.appendChild(h('p', { class: 'error', 'data-kind': kind }, m));
  const invalid = slot.childElementCount > 0;
  field.classList.toggle('invalid', invalid);
  const path = field.getAttribute('data-path');
  const control = path === null ? null : field.querySelector(`:is(input, select, textarea)[data-path="${CSS.escape(path)}"]`);
  if (control) control.setAttribute('aria-invalid', invalid ? 'true' : 'false');
}

function validate(field: HTMLElement, path: string, value: unknown): void {
  const problems = check(schemaAt(config.schema, path), value);
  setFieldErrors(field, problems);
  setFieldErrors(field, [], 'server');
}

function defaultText(path: string): string | undefined {
  const d = defaultAt(config.schema, path);
  if (d === undefined || typeof d === 'object') return undefined;
  return t('form.default', { value: String(d) });
}

/** A text (or URL, e-mail) input bound to a string at `path`. */
export function textField(path: string, opts: FieldOptions & { type?: 'text' | 'url' | 'email'; list?: string }): HTMLElement {
  const id = uid();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const current = config.get(path);
  const required = isRequired(config.schema, path);
  const input = h('input', {
    id,
    type: opts.type ?? 'text',
    value: typeof current === 'string' ? current : '',
    placeholder: opts.placeholder ?? defaultText(path) ?? '',
    autocomplete: opts.autocomplete ?? 'off',
    spellcheck: 'false',
    list: opts.list,
    required,
    'data-path': path,
  });
  describe(input, helpId, errId, !!opts.help);
  const field = wrapper(path, h('label', { for: id }, opts.label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), input, helpId, errId, opts.help, opts.size);
  input.addEventListener('input', () => {
    const v = input.value;
    const value = v === '' && (opts.empty ?? (required ? 'keep' : 'delete')) === 'delete' ? undefined : v;
    config.set(path, value);
    validate(field, path, value);
    opts.onChange?.(value);
  });
  return field;
}

/** A number input bound to a number at `path`; empty means "use the default". */
export function numberField(path: string, opts: FieldOptions & { step?: number; unit?: string }): HTMLElement {
  const id = uid();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const node = schemaAt(config.schema, path);
  const current = config.get(path);
  const d = node?.default;
  const hasDefault = typeof d === 'number';
  const input = h('input', {
    id,
    type: 'number',
    inputmode: node?.type === 'integer' ? 'numeric' : 'decimal',
    value: typeof current === 'number' ? String(current) : '',
    placeholder: opts.placeholder ?? (hasDefault ? String(d) : ''),
    step: opts.step ?? (node?.type === 'integer' ? 1 : 'any'),
    min: typeof node?.minimum === 'number' ? node.minimum : null,
    max: typeof node?.maximum === 'number' ? node.maximum : null,
    'data-path': path,
  });
  // "Default: 300000 ms (5 min)" after the help, so an empty field says what it means.
  const defaultNote = hasDefault ? t('form.default', { value: `${d}${opts.unit ? ` ${opts.unit}` : ''}${opts.unit === 'ms' && d >= 1000 ? ` (${ms(d)})` : ''}` }) : undefined;
  const help = opts.help || defaultNote ? h('span', null, opts.help ?? '', opts.help && defaultNote ? ' ' : '', defaultNote ? h('span', { class: 'default-note' }, defaultNote) : null) : undefined;
  describe(input, helpId, errId, !!help);
  const control = opts.unit ? h('div', { class: 'with-unit' }, input, h('span', { class: 'unit', 'aria-hidden': 'true' }, opts.unit)) : input;
  const label = h('label', { for: id }, opts.label, opts.unit ? h('span', { class: 'visually-hidden' }, ` (${opts.unit})`) : null);
  const field = wrapper(path, label, control, helpId, errId, help, opts.size ?? 'sm');
  input.addEventListener('input', () => {
    const raw = input.value.trim();
    if (raw === '' && !input.validity.badInput) {
      config.set(path, undefined);
      validate(field, path, undefined);
      opts.onChange?.(undefined);
      return;
    }
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n)) {
      setFieldErrors(field, [t('val.number')]);
      return;
    }
    config.set(path, n);
    validate(field, path, n);
    opts.onChange?.(n);
  });
  return field;
}

/** A checkbox bound to a boolean at `path`. */
export function checkField(path: string, opts: FieldOptions): HTMLElement {
  const id = uid();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const current = config.get(path);
  const d = defaultAt(config.schema, path);
  const input = h('input', { id, type: 'checkbox', checked: typeof current === 'boolean' ? current : d === true, 'data-path': path });
  describe(input, helpId, errId, !!opts.help);
  const field = h(
    'div',
    { class: 'field field-check', 'data-path': path, 'data-field': '' },
    h('div', { class: 'check' }, input, h('label', { for: id }, opts.label)),
    opts.help ? h('div', { class: 'help', id: helpId }, opts.help) : null,
    h('div', { class: 'errors', id: errId, 'aria-live': 'polite' }),
  );
  input.addEventListener('change', () => {
    config.set(path, input.checked);
    setFieldErrors(field, [], 'server');
    opts.onChange?.(input.checked);
  });
  return field;
}

/** A select bound to `path`; options default to the schema's literals. */
export function selectField(path: string, opts: FieldOptions & { options?: { value: string; label: string }[]; allowUnset?: string }): HTMLElement {
  const id = uid();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const current = config.get(path);
  const d = defaultAt(config.schema, path);
  const options = opts.options ?? (literals(schemaAt(config.schema, path)) ?? []).map((v) => ({ value: String(v), label: String(v) }));
  const selected = current === undefined ? (opts.allowUnset !== undefined ? '' : String(d ?? '')) : String(current);
  const known = options.some((o) => o.value === selected) || selected === '';
  const select = h(
    'select',
    { id, 'data-path': path },
    opts.allowUnset !== undefined ? h('option', { value: '' }, opts.allowUnset) : null,
    // A value the list does not know (a removed upstream) stays visible rather than silently changing.
    known ? null : h('option', { value: selected }, selected),
    options.map((o) => h('option', { value: o.value }, o.label)),
  );
  select.value = selected;
  // Nothing stored and no default: show the first choice (what the server will assume).
  if (select.value === '' && opts.allowUnset === undefined && options[0]) select.value = options[0].value;
  describe(select, helpId, errId, !!opts.help);
  const field = wrapper(path, h('label', { for: id }, opts.label), select, helpId, errId, opts.help, opts.size);
  select.addEventListener('change', () => {
    const value = select.value === '' && opts.allowUnset !== undefined ? undefined : select.value;
    config.set(path, value);
    validate(field, path, value);
    opts.onChange?.(value);
  });
  return field;
}

/**
 * A secret (api-key, client secret): never shown. A stored secret reads as "stored, leave empty
 * to keep"; typing replaces it; clearing the input puts the stored one back (the MASK).
 */
export function secretField(path: string, opts: FieldOptions): HTMLElement {
  const id = uid();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const stored = config.stored(path) === MASK;
  const current = config.get(path);
  const typed = typeof current === 'string' && current !== MASK ? current : '';
  const input = h('input', {
    id,
    type: 'password',
    value: typed,
    placeholder: stored ? t('form.secretStored') : (opts.placeholder ?? t('form.secretNone')),
    autocomplete: 'new-password',
    spellcheck: 'false',
    'data-path': path,
  });
  describe(input, helpId, errId, true);
  const help = h('span', null, stored ? t('form.secretHelpStored') : t('form.secretHelpNew'), opts.help ? [' ', opts.help] : null);
  const field = wrapper(path, h('label', { for: id }, opts.label, stored ? h('span', { class: 'badge badge-ok' }, t('form.secretSet')) : null), input, helpId, errId, help, opts.size);
  input.addEventListener('input', () => {
    const value = input.value === '' ? (stored ? MASK : undefined) : input.value;
    config.set(path, value);
    validate(field, path, value === MASK ? undefined : value);
    opts.onChange?.(undefined);
  });
  return field;
}

/** A list of strings at `path` (domains): one input per item, add and remove buttons. */
export function stringListField(path: string, opts: FieldOptions & { addLabel: string; itemLabel: (i: number) => string; type?: 'text' | 'url' }): HTMLElement {
  const box = h('fieldset', { class: 'field field-list', 'data-path': path, 'data-field': '' }, h('legend', null, opts.label));
  const rows = h('div', { class: 'list-rows' });
  const errors = h('div', { class: 'errors', 'aria-live': 'polite' });
  const items = (): string[] => {
    const v = config.get(path);
    return Array.isArray(v) ? v.map(String) : [];
  };
  const render = (focusIndex?: number) => {
    rows.replaceChildren();
    items().forEach((value, i) => {
      const itemPath = `${path}/${i}`;
      const id = uid();
      const errId = `${id}-err`;
      const input = h('input', { id, type: opts.type ?? 'text', value, spellcheck: 'false', autocomplete: 'off', 'data-path': itemPath, 'aria-describedby': errId, placeholder: opts.placeholder ?? '' });
      const field = h(
        'div',
        { class: 'field list-row', 'data-path': itemPath, 'data-field': '' },
        h('label', { for: id, class: 'visually-hidden' }, opts.itemLabel(i)),
        h(
          'div',
          { class: 'row' },
          input,
          h('button', {
            type: 'button',
            class: 'btn btn-ghost',
            'aria-label': t('form.removeItem', { item: value || opts.itemLabel(i) }),
            onClick: () => {
              const next = items().filter((_, j) => j !== i);
              config.set(path, next.length ? next : undefined);
              render(Math.min(i, next.length - 1));
            },
          }, t('action.remove')),
        ),
        h('div', { class: 'errors', id: errId, 'aria-live': 'polite' }),
      );
      input.addEventListener('input', () => {
        config.set(itemPath, input.value);
        validate(field, itemPath, input.value);
        opts.onChange?.(items());
      });
      rows.appendChild(field);
      if (focusIndex === i) input.focus();
    });
  };
  render();
  box.append(
    rows,
    opts.help ? h('div', { class: 'help' }, opts.help) : '',
    h('button', {
      type: 'button',
      class: 'btn btn-secondary btn-sm',
      onClick: () => {
        config.set(path, [...items(), '']);
        render(items().length - 1);
      },
    }, t('action.add'), ' ', opts.addLabel),
    errors,
  );
  return box;
}

/** Puts every issue on the field of its path, or on the nearest enclosing `data-path` element; returns the ones placed nowhere. */
export function showIssues(root: Element, issues: Issue[]): Issue[] {
  for (const field of root.querySelectorAll('[data-field], [data-path].card')) setFieldErrors(field, [], 'server');
  const unplaced: Issue[] = [];
  const targets = new Map<string, Element>();
  for (const el of root.querySelectorAll('[data-field][data-path], .card[data-path]')) {
    const p = el.getAttribute('data-path');
    if (p !== null && !targets.has(p)) targets.set(p, el);
  }
  const byTarget = new Map<Element, string[]>();
  for (const issue of issues) {
    const segs = pointerSegments(issue.path);
    let target: Element | undefined;
    for (let n = segs.length; n >= 1 && !target; n--) {
      target = targets.get(`/${segs.slice(0, n).join('/')}`);
    }
    if (!target) {
      unplaced.push(issue);
      continue;
    }
    const exact = target.getAttribute('data-path') === issue.path;
    const message = exact ? issue.message : `${issue.path.slice((target.getAttribute('data-path') ?? '').length + 1)}: ${issue.message}`;
    byTarget.set(target, [...(byTarget.get(target) ?? []), message]);
  }
  for (const [target, messages] of byTarget) setFieldErrors(target, messages, 'server');
  return unplaced;
}

/** A readable form of a JSON value for diffs and summaries (secrets hidden). */
export function showValue(path: string, v: unknown): string {
  if (v === undefined) return t('diff.unset');
  if (isSecretPath(path) || (typeof v === 'object' && v !== null && JSON.stringify(v).includes(MASK))) {
    if (v === MASK) return t('diff.secretKept');
    if (typeof v === 'string') return t('diff.secretNew');
  }
  const text = JSON.stringify(v, (k, val: unknown) => (isSecretPath(`/${k}`) && typeof val === 'string' ? '••••' : val));
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
