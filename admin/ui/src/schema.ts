/**
 * The config's JSON Schema (GET /admin/api/schema, the same one the server validates with):
 * finding the sub-schema of a JSON pointer and what the forms read from it (allowed values,
 * required, defaults). Checking values against it is in schema-check.ts.
 */
import { isRecord } from './api.js';
import { pointer, pointerSegments } from './json-pointer.js';

/** A JSON Schema node. */
export type Schema = Record<string, unknown>;

/** The `anyOf` / `oneOf` branches of a schema node. */
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
    const viaBranch = branches(node)
      .map((b) => schemaAt(b, pointer(seg)))
      .find((b) => b !== undefined);
    node = viaBranch;
  }
  return node;
}

/** The allowed literal values of an enum-like schema (`anyOf` of `const`s, or `enum`). */
export function literals(node: Schema | undefined): (string | number | boolean)[] | undefined {
  if (!node) return undefined;
  if (Array.isArray(node.enum))
    return node.enum.filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v));
  const consts = branches(node).map((b) => b.const);
  if (consts.length && consts.every((c) => ['string', 'number', 'boolean'].includes(typeof c)))
    return consts as (string | number | boolean)[];
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
