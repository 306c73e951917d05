/**
 * The config being edited: what the server last sent (secrets masked, with its ETag) and the
 * draft the forms change. Models, Domain and Settings are views of one draft, so a review shows
 * every pending change and one apply sends them together with `If-Match`.
 */
import { api, isRecord, type ApiError, type Issue } from './api.js';
import { appliedOutcome, failedOutcome, type ApplyOutcome } from './apply-outcome.js';
import { diff, same, type Change } from './config-diff.js';
import { rebaseEdits } from './config-rebase.js';
import { getAt, setAt } from './json-pointer.js';
import type { Schema } from './schema.js';

type Json = Record<string, unknown>;
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
    const [config, schema] = await Promise.all([
      api<Json>('GET', '/config'),
      this.schema ? Promise.resolve(undefined) : api<Schema>('GET', '/schema'),
    ]);
    if (schema) this.schema = schema.data;
    this.original = config.data;
    this.etag = config.etag ?? '';
    this.draft = structuredClone(config.data);
    this.serverIssues = [];
    this.loadError = undefined;
    this.replaced();
  }

  /** Takes the latest stored config but keeps the user's edits (config-rebase.ts). */
  async rebase(): Promise<void> {
    const latest = await api<Json>('GET', '/config');
    this.draft = rebaseEdits(this.original ?? {}, this.draft, latest.data);
    this.original = latest.data;
    this.etag = latest.etag ?? '';
    this.replaced();
  }

  /** After a change made elsewhere (keys): reload, or rebase when there are edits. */
  async refreshKeepingEdits(): Promise<void> {
    await (this.dirty() ? this.rebase() : this.reload());
  }

  /** The draft's value at `path`. */
  get(path: string): unknown {
    return getAt(this.draft, path);
  }

  /** The stored (masked) value at `path`. */
  stored(path: string): unknown {
    return getAt(this.original, path);
  }

  /** The stored config's currency of prices and budgets (ISO 4217; the schema's default is USD). */
  currency(): string {
    const c = getAt(this.original, '/server/currency');
    return typeof c === 'string' && /^[A-Z]{3}$/.test(c) ? c : 'USD';
  }

  /** The entries of a stored list with an id (`models`, `teams`), in order. */
  entries(list: 'models' | 'teams'): Json[] {
    const items = this.original?.[list];
    return Array.isArray(items) ? items.filter((x): x is Json => isRecord(x) && typeof x.id === 'string') : [];
  }

  /** Changes the draft at `path` (undefined deletes) and forgets the server's issues there. */
  set(path: string, value: unknown): void {
    setAt(this.draft, path, value);
    this.serverIssues = this.serverIssues.filter((i) => i.path !== path);
    this.emit(this.changeListeners);
  }

  /** The pending changes, stored → draft. */
  changes(): Change[] {
    return diff(this.original ?? {}, this.draft);
  }

  /** Whether the draft differs from the stored config. */
  dirty(): boolean {
    return !same(this.original ?? {}, this.draft);
  }

  /** Drops every edit. */
  discard(): void {
    this.draft = structuredClone(this.original ?? {});
    this.serverIssues = [];
    this.replaced();
  }

  /** Replaces the whole draft (raw JSON mode). */
  replace(draft: Json): void {
    this.draft = draft;
    this.serverIssues = [];
    this.replaced();
  }

  /** Calls `fn` after every change of the draft or of the server's issues; returns how to stop. */
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
      return appliedOutcome(res.data);
    } catch (err) {
      const outcome = failedOutcome(err);
      if (outcome.kind === 'invalid') {
        this.serverIssues = outcome.issues;
        this.emit(this.changeListeners);
      }
      return outcome;
    }
  }

  private replaced(): void {
    this.emit(this.reloadListeners);
    this.emit(this.changeListeners);
  }

  private emit(set: Set<Listener>): void {
    for (const fn of [...set]) fn();
  }
}

/** The one config state of the UI. */
export const config = new ConfigState();
