/**
 * The answer of `GET /admin/api/staged-change`, narrowed from JSON (DOM-free, unit-tested): the
 * latest staged change and the time left before it is undone.
 */
import { isRecord } from './api.js';

/** One certificate a staged change waits for. */
export interface StagedCertificate {
  host: string;
  issued: boolean;
  lastError: string | undefined;
  /** Why, as a code the banner words in the UI's language (admin/caddy/cert-probe.ts). */
  lastErrorCode: string | undefined;
  /** Caddy's own ACME error, in its words. */
  lastAcmeError: string | undefined;
}

/** The latest staged change as the banner shows it. */
export interface StagedChangeView {
  id: string;
  state: 'pending' | 'committed' | 'rolled_back';
  reason: string | undefined;
  outcome: string | undefined;
  certificates: StagedCertificate[];
  httpsPort: number;
  previousHttpsPort: number;
}

/** The status answer. */
export interface StagedStatus {
  change: StagedChangeView | undefined;
  remainingMs: number;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Narrows the status answer; anything unexpected reads as "no staged change". */
export function stagedView(data: unknown): StagedStatus {
  const body = isRecord(data) ? data : {};
  const c = isRecord(body.change) ? body.change : undefined;
  const state = c?.state;
  if (!c || (state !== 'pending' && state !== 'committed' && state !== 'rolled_back') || typeof c.id !== 'string') {
    return { change: undefined, remainingMs: 0 };
  }
  const certificates = (Array.isArray(c.certificates) ? c.certificates : []).filter(isRecord).map((w) => ({
    host: text(w.host) ?? '',
    issued: w.issued === true,
    lastError: text(w.lastError),
    lastErrorCode: text(w.lastErrorCode),
    lastAcmeError: text(w.lastAcmeError),
  }));
  return {
    change: {
      id: c.id,
      state,
      reason: text(c.reason),
      outcome: text(c.outcome),
      certificates,
      httpsPort: num(c.httpsPort),
      previousHttpsPort: num(c.previousHttpsPort),
    },
    remainingMs: num(body.remainingMs),
  };
}
