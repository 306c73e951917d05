/**
 * Checking values against the config schema in the browser, with the keywords the schema uses,
 * so a form shows a problem as it is typed and the review lists them before an apply. The server
 * stays the judge: its `{path, message}` list lands on the same fields.
 */
import { isRecord, type Issue } from './api.js';
import { hasKey, t } from './i18n.js';
import { pointer, pointerSegments } from './json-pointer.js';
import { literals, schemaAt, type Schema } from './schema.js';

function typeOk(type: unknown, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isRecord(v);
    default:
      return true;
  }
}

/** Problems of `value` against `node`, in the UI's language. */
export function check(node: Schema | undefined, value: unknown): string[] {
  if (!node || value === undefined) return [];
  const problems: string[] = [];
  const allowed = literals(node);
  if (allowed) {
    if (!allowed.includes(value as string)) problems.push(t('val.oneOf', { list: allowed.join(', ') }));
    return problems;
  }
  if (node.type !== undefined && !typeOk(node.type, value)) {
    problems.push(
      node.type === 'integer'
        ? t('val.integer')
        : node.type === 'number'
          ? t('val.number')
          : t('val.type', { type: String(node.type) }),
    );
    return problems;
  }
  if (typeof value === 'string') {
    if (typeof node.minLength === 'number' && value.length < node.minLength)
      problems.push(node.minLength === 1 ? t('val.required') : t('val.minLength', { n: node.minLength }));
    if (typeof node.maxLength === 'number' && value.length > node.maxLength)
      problems.push(t('val.maxLength', { n: node.maxLength }));
    if (typeof node.pattern === 'string' && value !== '' && !new RegExp(node.pattern, 'u').test(value)) {
      // A pattern the schema names (patternId) is explained in words; others get the general sentence.
      const named = typeof node.patternId === 'string' ? `val.pattern.${node.patternId}` : '';
      problems.push(hasKey(named) ? t(named) : t('val.pattern'));
    }
  }
  if (typeof value === 'number') {
    if (typeof node.minimum === 'number' && value < node.minimum) problems.push(t('val.minimum', { n: node.minimum }));
    if (typeof node.maximum === 'number' && value > node.maximum) problems.push(t('val.maximum', { n: node.maximum }));
    if (typeof node.exclusiveMinimum === 'number' && value <= node.exclusiveMinimum)
      problems.push(t('val.exclusiveMinimum', { n: node.exclusiveMinimum }));
  }
  if (Array.isArray(value)) {
    if (typeof node.minItems === 'number' && value.length < node.minItems)
      problems.push(t('val.minItems', { n: node.minItems }));
    if (typeof node.maxItems === 'number' && value.length > node.maxItems)
      problems.push(t('val.maxItems', { n: node.maxItems }));
    if (isRecord(node.items)) {
      const items = node.items;
      value.forEach((item, i) => {
        for (const p of check(items, item)) problems.push(`#${i + 1}: ${p}`);
      });
    }
  }
  return problems;
}

/** Every problem of `value` and its descendants against `root` at `base`, as `{path, message}`. */
export function checkDeep(root: Schema | undefined, value: unknown, base = ''): Issue[] {
  const node = schemaAt(root, base);
  if (!node) return [];
  const out: Issue[] = [];
  if (Array.isArray(value)) {
    if (typeof node.minItems === 'number' && value.length < node.minItems)
      out.push({ path: base, message: t('val.minItems', { n: node.minItems }) });
    if (typeof node.maxItems === 'number' && value.length > node.maxItems)
      out.push({ path: base, message: t('val.maxItems', { n: node.maxItems }) });
    value.forEach((item, i) => out.push(...checkDeep(root, item, `${base}/${i}`)));
    return out;
  }
  if (isRecord(value)) {
    const required = Array.isArray(node.required)
      ? node.required.filter((r): r is string => typeof r === 'string')
      : [];
    const props = isRecord(node.properties) ? node.properties : {};
    for (const r of required) {
      // A required field with a default is filled in by the server.
      if (value[r] === undefined && !(isRecord(props[r]) && 'default' in props[r]))
        out.push({ path: pointer(...pointerSegments(base), r), message: t('val.required') });
    }
    for (const [k, v] of Object.entries(value)) out.push(...checkDeep(root, v, `${base}${pointer(k)}`));
    return out;
  }
  for (const message of check(node, value)) out.push({ path: base, message });
  return out;
}
