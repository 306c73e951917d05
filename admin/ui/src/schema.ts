/**
 * The config's JSON Schema (GET /admin/api/schema, the same one the server validates with):
 * finding the sub-schema of a JSON pointer, and checking one field's value against it so a form
 * shows a problem as it is typed. The server stays the judge: its `{path, message}` list is
 * shown on the same fields.
 */
import { isRecord } from './api.js';
import { t } from './i18n.js';

export type Schema = Record<string, unknown>;

/** The segments of a JSON pointer (RFC 6901). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A JSON pointer from segments. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function branches(node: Schema): Schema[] {
  const list = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : [];
  return list.filter(isRecord);
}

/** The sub-schema at `path` (a JSON pointer), or undefined. */
export function schemaAt(root: Schema | undefined, path: string): Schema | undefined {
  let node: Schema | undefined = root;
  for (const seg of pointerSegments(path)) {
    if (!node) return undefined;
    const props = isRecord(node.properties) ? node.properties : undefined;
    if (props && isRecord(props[seg])) {
      node = props[seg];
      continue;
    }
    if (isRecord(node.patternProperties)) {
      const hit = Object.entries(node.patternProperties).find(([re]) => new RegExp(re, 'u').test(seg));
      if (hit && isRecord(hit[1])) {
        node = hit[1];
        continue;
      }
    }
    if (isRecord(node.additionalProperties)) {
      node = node.additionalProperties;
      continue;
    }
    if (isRecord(node.items) && /^\d+$/.test(seg)) {
      node = node.items;
      continue;
    }
    const viaBranch = branches(node).map((b) => schemaAt(b, pointer(seg))).find((b) => b !== undefined);
    node = viaBranch;
  }
  return node;
}

/** The allowed literal values of an enum-like schema (`anyOf` of `const`s, or `enum`). */
export function literals(node: Schema | undefined): (string | number | boolean)[] | undefined {
  if (!node) return undefined;
  if (Array.isArray(node.enum)) return node.enum.filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v));
  const consts = branches(node).map((b) => b.const);
  if (consts.length && consts.every((c) => ['string', 'number', 'boolean'].includes(typeof c))) return consts as (string | number | boolean)[];
  return undefined;
}

/** Whether the property at `path` is in its parent object's `required` list and has no default. */
export function isRequired(root: Schema | undefined, path: string): boolean {
  const segs = pointerSegments(path);
  const last = segs.pop();
  if (last === undefined) return false;
  const parent = schemaAt(root, pointer(...segs));
  const node = schemaAt(root, path);
  return !!parent && Array.isArray(parent.required) && parent.required.includes(last) && !(node && 'default' in node);
}

/** The schema's default at `path`, for placeholders ("default: 800"). */
export function defaultAt(root: Schema | undefined, path: string): unknown {
  return schemaAt(root, path)?.default;
}

/** The schema's description at `path` (English; shown only where the UI has no text of its own). */
export function descriptionAt(root: Schema | undefined, path: string): string | undefined {
  const d = schemaAt(root, path)?.description;
  return typeof d === 'string' ? d : undefined;
}

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

/** Problems of `value` against `node` (the keywords the config schema uses), in the UI's language. */
export function check(node: Schema | undefined, value: unknown): string[] {
  if (!node || value === undefined) return [];
  const problems: string[] = [];
  const allowed = literals(node);
  if (allowed) {
    if (!allowed.includes(value as string)) problems.push(t('val.oneOf', { list: allowed.join(', ') }));
    return problems;
  }
  if (node.type !== undefined && !typeOk(node.type, value)) {
    problems.push(node.type === 'integer' ? t('val.integer') : node.type === 'number' ? t('val.number') : t('val.type', { type: String(node.type) }));
    return problems;
  }
  if (typeof value === 'string') {
    if (typeof node.minLength === 'number' && value.length < node.minLength) problems.push(node.minLength === 1 ? t('val.required') : t('val.minLength', { n: node.minLength }));
    if (typeof node.maxLength === 'number' && value.length > node.maxLength) problems.push(t('val.maxLength', { n: node.maxLength }));
    if (typeof node.pattern === 'string' && value !== '' && !new RegExp(node.pattern, 'u').test(value)) problems.push(t('val.pattern'));
  }
  if (typeof value === 'number') {
    if (typeof node.minimum === 'number' && value < node.minimum) problems.push(t('val.minimum', { n: node.minimum }));
    if (typeof node.maximum === 'number' && value > node.maximum) problems.push(t('val.maximum', { n: node.maximum }));
    if (typeof node.exclusiveMinimum === 'number' && value <= node.exclusiveMinimum) problems.push(t('val.exclusiveMinimum', { n: node.exclusiveMinimum }));
  }
  if (Array.isArray(value)) {
    if (typeof node.minItems === 'number' && value.length < node.minItems) problems.push(t('val.minItems', { n: node.minItems }));
    if (typeof node.maxItems === 'number' && value.length > node.maxItems) problems.push(t('val.maxItems', { n: node.maxItems }));
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
export function checkDeep(root: Schema | undefined, value: unknown, base = ''): { path: string; message: string }[] {
  const node = schemaAt(root, base);
  if (!node) return [];
  const out: { path: string; message: string }[] = [];
  if (Array.isArray(value)) {
    if (typeof node.minItems === 'number' && value.length < node.minItems) out.push({ path: base, message: t('val.minItems', { n: node.minItems }) });
    if (typeof node.maxItems === 'number' && value.length > node.maxItems) out.push({ path: base, message: t('val.maxItems', { n: node.maxItems }) });
    value.forEach((item, i) => out.push(...checkDeep(root, item, `${base}/${i}`)));
    return out;
  }
  if (isRecord(value)) {
    const required = Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === 'string') : [];
    const props = isRecord(node.properties) ? node.properties : {};
    for (const r of required) {
      // A required field with a default is filled in by the server.
      if (value[r] === undefined && !(isRecord(props[r]) && 'default' in props[r])) out.push({ path: pointer(...pointerSegments(base), r), message: t('val.required') });
    }
    for (const [k, v] of Object.entries(value)) out.push(...checkDeep(root, v, `${base}${pointer(k)}`));
    return out;
  }
  for (const message of check(node, value)) out.push({ path: base, message });
  return out;
}
