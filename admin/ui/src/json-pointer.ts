/** JSON pointers (RFC 6901) into the config: building them, reading and writing the value at one. */
import { isRecord } from './api.js';

type Json = Record<string, unknown>;

/** The segments of a JSON pointer. */
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

/** The value at `path` of `root`. */
export function getAt(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const seg of pointerSegments(path)) {
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (isRecord(node)) node = node[seg];
    else return undefined;
  }
  return node;
}

/** Sets (or with `undefined`, deletes) the value at `path`, creating objects on the way. */
export function setAt(root: Json, path: string, value: unknown): void {
  const segs = pointerSegments(path);
  const last = segs.pop();
  if (last === undefined) return;
  let node: unknown = root;
  for (const [i, seg] of segs.entries()) {
    const holder = node as Json | unknown[];
    let next: unknown = Array.isArray(holder) ? holder[Number(seg)] : holder[seg];
    if (!isRecord(next) && !Array.isArray(next)) {
      // A numeric next segment means the missing container is an array.
      next = /^\d+$/.test(segs[i + 1] ?? last) ? [] : {};
      if (Array.isArray(holder)) holder[Number(seg)] = next;
      else holder[seg] = next;
    }
    node = next;
  }
  if (Array.isArray(node)) {
    if (value === undefined) node.splice(Number(last), 1);
    else node[Number(last)] = value;
  } else if (isRecord(node)) {
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
}
