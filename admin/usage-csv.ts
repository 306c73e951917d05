/**
 * Usage and spend as CSV (`GET /admin/api/usage?format=csv`): one row per time bucket and series
 * (model, key, target), with the key's current team, so a spreadsheet can total spend by key,
 * team, model or target. Cells are quoted as RFC 4180 says, and a cell that a spreadsheet would
 * read as a formula (= + - @ at the start) is prefixed with an apostrophe.
 */
import { isRecord } from './http-call.js';

/** The columns, in order. */
export const CSV_COLUMNS = [
  'start',
  'minutes',
  'model',
  'key',
  'team',
  'target',
  'requests',
  's2xx',
  's4xx',
  's429',
  's5xx',
  'promptTokens',
  'cachedTokens',
  'completionTokens',
  'totalTokens',
  'cost',
  'currency',
] as const;

function cell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV text of the proxy's usage rows; `teamOf` maps key ids to team ids. */
export function usageCsv(rows: unknown, teamOf: (keyId: string) => string | undefined, currency: string): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of Array.isArray(rows) ? rows.filter(isRecord) : []) {
    const keyId = String(r.keyId ?? '');
    const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      start: typeof r.t === 'number' ? new Date(r.t).toISOString() : '',
      minutes: typeof r.stepMs === 'number' ? r.stepMs / 60_000 : '',
      model: r.model,
      key: keyId,
      team: teamOf(keyId) ?? '',
      target: r.target,
      requests: r.requests,
      s2xx: r.s2xx,
      s4xx: r.s4xx,
      s429: r.s429,
      s5xx: r.s5xx,
      promptTokens: r.promptTokens,
      cachedTokens: r.cachedTokens,
      completionTokens: r.completionTokens,
      totalTokens: r.totalTokens,
      cost: typeof r.cost === 'number' ? Number(r.cost.toFixed(8)) : 0,
      currency,
    };
    lines.push(CSV_COLUMNS.map((c) => cell(values[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
