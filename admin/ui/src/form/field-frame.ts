/**
 * What every config field shares: a wrapper carrying the field's config path (where the server's
 * issues land), a label, the control, optional help and the error slot, linked to the control by
 * aria-describedby; and the check of a typed value against the schema.
 */
import { config } from '../config-state.js';
import { h, uid, type Child } from '../dom.js';
import { check } from '../schema-check.js';
import { schemaAt } from '../schema.js';
import { errorSlot, setFieldErrors } from './error-slot.js';

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

/** The ids of a field's control, help and error slot. */
export interface FieldIds {
  id: string;
  helpId: string;
  errId: string;
}

/** Fresh ids for one field. */
export function fieldIds(): FieldIds {
  const id = uid();
  return { id, helpId: `${id}-help`, errId: `${id}-err` };
}

/** Links `control` to the help (when there is one) and the error slot. */
export function describe(control: HTMLElement, ids: FieldIds, hasHelp: boolean): void {
  control.setAttribute('aria-describedby', hasHelp ? `${ids.helpId} ${ids.errId}` : ids.errId);
}

/** The wrapper of a field at `path`. */
export function fieldFrame(
  path: string,
  label: HTMLElement,
  control: HTMLElement,
  ids: FieldIds,
  help: Child,
  size?: string,
): HTMLElement {
  return h(
    'div',
    { class: `field${size ? ` field-${size}` : ''}`, 'data-path': path, 'data-field': '' },
    label,
    control,
    help ? h('div', { class: 'help', id: ids.helpId }, help) : null,
    errorSlot(ids.errId),
  );
}

/** Checks `value` against the schema at `path` and clears the server's issues of the field. */
export function validate(field: HTMLElement, path: string, value: unknown): void {
  setFieldErrors(field, check(schemaAt(config.schema, path), value));
  setFieldErrors(field, [], 'server');
}
