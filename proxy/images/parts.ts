// Finds inline images in OpenAI-shaped request bodies and rebuilds a body with some of them replaced.
//
// One generic walk covers every shape the gateway forwards, because images are recognised by the
// field that carries them, not by where the field sits:
//   - chat completions: `messages[].content[]` → `{type:'image_url', image_url:{url:'data:…'}}`,
//     and the string form some clients send, `image_url:'data:…'`;
//   - Responses API: `input[]` → `{type:'input_image', image_url:'data:…'}`, directly or inside
//     message items' `content[]` (and tool outputs, which use the same parts);
//   - `image_base64` (images edits, some Azure extensions): raw base64 without a `data:` prefix.
// Keying on field names keeps a data URL that a user pasted into a `text` part untouched:
// rewriting it would change the prompt, not an image.

/** A step from a JSON container to one of its members. */
export type PathStep = string | number;

/** One inline image: where it is in the body and how it is encoded. */
export interface ImageSite {
  path: readonly PathStep[];
  /** `data-url`: `data:image/…;base64,…`; `raw-base64`: bare base64 from an `image_base64` field. */
  kind: 'data-url' | 'raw-base64';
  value: string;
}

/** One replacement for `replaceAtPaths`. */
export interface PathEdit {
  path: readonly PathStep[];
  value: unknown;
}

// Real request bodies nest a handful of levels; the bound keeps a hostile 10k-deep body from
// exhausting the stack (Fastify's parser accepts any depth).
const MAX_DEPTH = 64;
const DATA_IMAGE_PREFIX = 'data:image/';

function isDataImageUrl(value: string): boolean {
  // The `data:` scheme and the media type are case-insensitive (RFC 2397, RFC 2045 §5.1).
  return (
    value.length > DATA_IMAGE_PREFIX.length &&
    value.slice(0, DATA_IMAGE_PREFIX.length).toLowerCase() === DATA_IMAGE_PREFIX
  );
}

function classify(key: PathStep, parentKey: PathStep | undefined, value: string): ImageSite['kind'] | undefined {
  if (key === 'image_base64') return isDataImageUrl(value) ? 'data-url' : value.length > 0 ? 'raw-base64' : undefined;
  if (key === 'image_url' || (key === 'url' && parentKey === 'image_url'))
    return isDataImageUrl(value) ? 'data-url' : undefined;
  return undefined;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** Lists the inline images in `body`, in document order, stopping after `limit` of them. */
export function findImageSites(body: unknown, limit = Number.POSITIVE_INFINITY): ImageSite[] {
  const sites: ImageSite[] = [];
  const path: PathStep[] = [];

  const visit = (node: unknown, key: PathStep | undefined, parentKey: PathStep | undefined, depth: number): void => {
    if (sites.length >= limit) return;
    if (typeof node === 'string') {
      const kind = key === undefined ? undefined : classify(key, parentKey, node);
      if (kind) sites.push({ path: path.slice(), kind, value: node });
      return;
    }
    if (!isContainer(node) || depth >= MAX_DEPTH) return;
    if (Array.isArray(node)) {
      // Array members inherit the array's key so `image_base64: ['…']` style lists would still be
      // seen as the field they belong to; none of OpenAI's shapes need it, but it costs nothing.
      for (let i = 0; i < node.length && sites.length < limit; i++) {
        path.push(i);
        visit(node[i], key, parentKey, depth + 1);
        path.pop();
      }
      return;
    }
    for (const k of Object.keys(node)) {
      // `__proto__` is an own key after JSON.parse; writing through it later would change a
      // prototype, so such members are never treated as image holders.
      if (k === '__proto__') continue;
      if (sites.length >= limit) return;
      path.push(k);
      visit(node[k], k, key, depth + 1);
      path.pop();
    }
  };

  visit(body, undefined, undefined, 0);
  return sites;
}

function shallowCopy(value: Record<string, unknown> | unknown[]): Record<string, unknown> | unknown[] {
  return Array.isArray(value) ? value.slice() : { ...value };
}

function setMember(container: Record<string, unknown> | unknown[], step: PathStep, value: unknown): void {
  if (Array.isArray(container)) container[Number(step)] = value;
  else container[String(step)] = value;
}

function getMember(container: Record<string, unknown> | unknown[], step: PathStep): unknown {
  return Array.isArray(container) ? container[Number(step)] : container[String(step)];
}

/**
 * Returns a copy of `root` with each edit applied, copying only the containers on edited paths
 * so that untouched (possibly large) subtrees are shared with the input, which is never mutated.
 */
export function replaceAtPaths(root: unknown, edits: readonly PathEdit[]): unknown {
  if (edits.length === 0 || !isContainer(root)) return root;
  // Containers already copied in this call; an edit that shares a prefix with an earlier one
  // writes into the copy instead of copying again.
  const copies = new WeakSet<object>();
  const out = shallowCopy(root);
  copies.add(out);
  for (const { path, value } of edits) {
    if (path.length === 0) continue;
    let node = out;
    for (let i = 0; i < path.length - 1; i++) {
      const step = path[i] as PathStep;
      const child = getMember(node, step);
      if (!isContainer(child)) throw new TypeError(`path ${path.join('.')} does not lead to a container`);
      let next = child;
      if (!copies.has(child)) {
        next = shallowCopy(child);
        copies.add(next);
        setMember(node, step, next);
      }
      node = next;
    }
    setMember(node, path[path.length - 1] as PathStep, value);
  }
  return out;
}
