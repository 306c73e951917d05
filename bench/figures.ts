/**
 * Rounds reduced to figures: the per-scenario record of every round, medians of rounds, and
 * number formatting for the report's tables.
 */
import { median } from './load.js';
import type { Metrics, Scenario } from './scenarios.js';
import type { TargetId } from './targets.js';

/** Every round's figures for one scenario. */
export interface ScenarioResult {
  scenario: Pick<Scenario, 'id' | 'title' | 'kind' | 'targets'>;
  rounds: Partial<Record<TargetId, Metrics[]>>;
}

/** Medians of rounds; error counts are summed instead (every error counts). */
export function medianOf(rounds: readonly Metrics[] | undefined): Metrics {
  const out: Metrics = {};
  if (!rounds?.length) return out;
  for (const key of new Set(rounds.flatMap((r) => Object.keys(r)))) {
    const values = rounds.map((r) => r[key] ?? Number.NaN);
    out[key] = key === 'errors' ? values.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) : median(values);
  }
  return out;
}

/** A number for a table cell ('–' when there is none). */
export function fmt(v: number | undefined, digits: number): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * The median over rounds of a paired comparison of `key` between two targets: each round's
 * `a ÷ b` (ratio) or `a − b` (diff), from figures measured seconds apart in the same round, so
 * that load from outside the bench, which drifts over minutes, cancels out round by round.
 */
export function pairedMedian(
  a: readonly Metrics[] | undefined,
  b: readonly Metrics[] | undefined,
  key: string,
  op: 'ratio' | 'diff',
): number {
  const values: number[] = [];
  for (let i = 0; i < Math.min(a?.length ?? 0, b?.length ?? 0); i++) {
    const x = a?.[i]?.[key];
    const y = b?.[i]?.[key];
    if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (op === 'diff') values.push(x - y);
    else if (y !== 0) values.push(x / y);
  }
  return median(values);
}
