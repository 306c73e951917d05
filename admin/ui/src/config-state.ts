/**
 * The config being edited: what the server last sent (secrets masked, with its ETag) and the
 * draft the forms change. Models, Domain and Settings are views of one draft, so a review shows
 * every pending change and one apply sends them together with `If-Match`.
 */
import { api, ApiError, asIssues, asSteps, isRecord, type Issue, type Step } from './api.js';
import { pointer, pointerSegments, type Schema } from './schema.js';

/** What the admin API shows instead of a secret; sending it back keeps the stored value. */
export const MASK = '********';

type Json = Record<string, unknown>;

/** Whether the field at `path` holds a secret (never rendered, never shown in a diff). */
export function isSecretPath(path: string): boolean {
  const segs = pointerSegments(path);
  const last = segs[segs.length - 1] ?? '';
  if (['apiKey', 'clientSecret', 'password', 'passwordHash', 'healthKey'].includes(last)) return true;
  return segs[0] === 'apiKeys' && (last === 'key' || last === 'keyHash');
}

/** One difference between the stored config and the draft. */
export interface Change {
  /** JSON pointer in the draft (or in the stored config for a removal). */
  path: string;
  /** Readable location: array items named by their `id` / `name`. */
  label: string[];
  kind: 'added' | 'removed' | 'changed';
  before: unknown;
  after: unknown;
}

/** Outcome of an apply. */
export type ApplyOutcome =
  | { kind: 'applied'; steps: Step[]; warnings: Issue[]; unchanged: boolean }
  | { kind: 'invalid'; issues: Issue[]; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'failed'; message: string; steps: Step[]; rolledBack: boolean | undefined; hint?: string }
  | { kind: 'error'; message: string; status: number };

/** Deep equality of JSON values. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return false;
}

function identity(v: unknown): string | undefined {
  if (!isRecord(v)) return undefined;
  if (typeof v.id === 'string') return v.id;
  if (typeof v.name === 'string') return v.name;
  return undefined;
}

/** The changes from `a` to `b`, leaf by leaf; arrays of named items are matched by name. */
export function diff(a: unknown, b: unknown, path = '', label: string[] = []): Change[] {
  if (same(a, b)) return [];
  if (a === undefined) return [{ path, label, kind: 'added', before: undefined, after: b }];
  if (b === undefined) return [{ path, label, kind: 'removed', before: a, after: undefined }];
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => diff(a[k], b[k], `${path}${pointer(k)}`, [...label, k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = [...a, ...b].every((v) => identity(v) !== undefined);
    if (named) {
      const out: Change[] = [];
      const before = new Map(a.map((v, i) => [identity(v), i]));
      b.forEach((v, i) => {
        const j = before.get(identity(v));
        out.push(...diff(j === undefined ? undefined : a[j], v, `${path}/${i}`, [...label, identity(v) ?? String(i)]));
      });
      const after = new Set(b.map(identity));
      a.forEach((v, i) => {
        if (!after.has(identity(v))) out.push({ path: `${path}/${i}`, label: [...label, identity(v) ?? String(i)], kind: 'removed', before: v, after: undefined });
      });
      return out;
    }
  }
  return [{ path, label, kind: 'changed', before: a, after: b }];
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

type Listener = () => void;

/** The edited config, shared by the pages. */
export class ConfigState {
  original: Json | undefined;
  draft: Json = {};
  etag = '';
  schema: Schema | undefined;
  /** Problems the server reported for the last apply, by path; cleared field by field as edited. */
  serverIssues: Issue[] = [];
  loadError: ApiError | undefined;
  /** The last apply made from this page load, for the Domain page's "last apply" card. */
  lastOutcome: { at: number; outcome: ApplyOutcome; paths: string[] } | undefined;
  private loading: Promise<void> | undefined;
  private readonly changeListeners = new Set<Listener>();
  private readonly reloadListeners = new Set<Listener>();

  /** Loads once; later calls reuse it. */
  ensure(): Promise<void> {
    this.loading ??= this.reload().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  /** Fetches the config (and the schema, once) and resets the draft. */
  async reload(): Promise<void> {
    const [config, schema] = await Promise.all([api<Json>('GET', '/config'), this.schema ? Promise.resolve(undefined) : api<Schema>('GET', '/schema')]);
    if (schema) this.schema = schema.data;
    this.original = config.data;
    this.etag = config.etag ?? '';
    this.draft = structuredClone(config.data);
    this.serverIssues = [];
    this.loadError = undefined;
    this.emit(this.reloadListeners);
    this.emit(this.changeListeners);
  }

  /**
   * Takes the latest stored config but keeps the user's edits: each top-level section (and each
   * part of `server`) the draft changed replaces the latest one. Used after a 412 and after key
   * changes made through the key endpoints (which change the ETag).
   */
  async rebase(): Promise<void> {
    const before = this.original ?? {};
    const mine = this.draft;
    const latest = await api<Json>('GET', '/config');
    const next = structuredClone(latest.data);
    for (const k of Object.keys({ ...before, ...mine })) {
      if (k === 'apiKeys') continue;
      if (k === 'server' && isRecord(before.server) && isRecord(mine.server)) {
        const server = isRecord(next.server) ? next.server : (next.server = {});
        for (const sk of Object.keys({ ...before.server, ...mine.server })) {
          if (!same(before.server[sk], mine.server[sk])) server[sk] = structuredClone(mine.server[sk]);
        }
      } else if (!same(before[k], mine[k])) {
        next[k] = structuredClone(mine[k]);
      }
    }
    this.original = latest.data;
    this.etag = latest.etag ?? '';
    this.draft = next;
    this.emit(this.reloadListeners);
    this.emit(this.changeListeners);
  }

  /** After a change made elsewhere (keys): reload, or rebase when there are edits. */
  async refreshKeepingEdits(): Promise<void> {
    await (this.dirty() ? this.rebase() : this.reload());
  }

  get(path: string): unknown {
    return getAt(this.draft, path);
  }

  /** The stored (masked) value at `path`. */
  stored(path: string): unknown {
    return getAt(this.original, path);
  }

  set(path: string, value: unknown): void {
    setAt(this.draft, path, value);
    this.serverIssues = this.serverIssues.filter((i) => i.path !== path);
    this.emit(this.changeListeners);
  }

  changes(): Change[] {
    return diff(this.original ?? {}, this.draft);
  }

  dirty(): boolean {
    return !same(this.original ?? {}, this.draft);
  }

  discard(): void {
    this.draft = structuredClone(this.original ?? {});
    this.serverIssues = [];
    this.emit(this.reloadListeners);
    this.emit(this.changeListeners);
  }

  /** Replaces the whole draft (raw JSON mode). */
  replace(draft: Json): void {
    this.draft = draft;
    this.serverIssues = [];
    this.emit(this.reloadListeners);
    this.emit(this.changeListeners);
  }

  onChange(fn: Listener): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  /** Called when the draft was replaced as a whole (load, discard, rebase): pages re-render. */
  onReload(fn: Listener): () => void {
    this.reloadListeners.add(fn);
    return () => this.reloadListeners.delete(fn);
  }

  /** PUTs the draft with If-Match; on success the stored config is read again (masked). */
  async apply(): Promise<ApplyOutcome> {
    const paths = this.changes().map((c) => c.path);
    const outcome = await this.put();
    this.lastOutcome = { at: Date.now(), outcome, paths };
    // A failed re-read leaves the draft as sent; the next save's If-Match then reports a conflict.
    if (outcome.kind === 'applied') await this.reload().catch(() => undefined);
    return outcome;
  }

  private async put(): Promise<ApplyOutcome> {
    try {
      const res = await api<Json>('PUT', '/config', { body: this.draft, ifMatch: this.etag });
      const body = isRecord(res.data) ? res.data : {};
      return { kind: 'applied', steps: asSteps(body.steps), warnings: asIssues(body.warnings), unchanged: body.unchanged === true };
    } catch (err) {
      if (!(err instanceof ApiError)) return { kind: 'error', message: err instanceof Error ? err.message : String(err), status: 0 };
      if (err.status === 400 && err.issues.length) {
        this.serverIssues = dedupe(err.issues);
        this.emit(this.changeListeners);
        return { kind: 'invalid', issues: this.serverIssues, message: err.message };
      }
      if (err.status === 412) return { kind: 'conflict', message: err.message };
      if (err.steps.length) {
        const hint = typeof err.body.hint === 'string' ? err.body.hint : undefined;
        return { kind: 'failed', message: err.message, steps: err.steps, rolledBack: err.rolledBack, ...(hint ? { hint } : {}) };
      }
      return { kind: 'error', message: err.message, status: err.status };
    }
  }

  private emit(set: Set<Listener>): void {
    for (const fn of [...set]) fn();
  }
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\n${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The one config state of the UI. */
export const config = new ConfigState();
