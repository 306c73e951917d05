/** Numbers, sizes, durations and times in the current language. */
import { lang, t } from './i18n.js';

/** 12,345 / 12,345 (grouped, no decimals unless given). */
export function num(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(lang(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
}

/** 1.2k, 3.4M: short axis labels. */
export function compact(n: number): string {
  return new Intl.NumberFormat(lang(), { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** 12.5% of a ratio. */
export function percent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: ratio < 0.1 ? 1 : 0 }).format(ratio);
}

/** 1.4 MB (decimal units, as browsers and Azure report sizes). */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${num(v, i === 0 ? 0 : 1)} ${units[i]}`;
}

/** 850 ms, 1.2 s, 3 min. */
export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1000) return t('fmt.ms', { n: num(n) });
  if (n < 60_000) return t('fmt.s', { n: num(n / 1000, 1) });
  if (n < 3_600_000) return t('fmt.min', { n: num(n / 60_000, 1) });
  return t('fmt.h', { n: num(n / 3_600_000, 1) });
}

/** A date and time, medium length (with seconds when asked: audit entries). */
export function dateTime(v: string | number | Date | null | undefined, seconds = false): string {
  if (v === null || v === undefined || v === '') return '—';
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: seconds ? 'medium' : 'short' }).format(d);
}

/** A time of day with seconds (log lines). */
export function timeOfDay(v: number | string | Date): string {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return new Intl.DateTimeFormat(lang(), {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(d);
}

/** A calendar date in the UI's language (not the browser's). */
export function calendarDate(v: number | Date): string {
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium' }).format(v instanceof Date ? v : new Date(v));
}

/** An axis tick: time for spans up to two days, date and hour beyond. */
export function tick(t: number, spanMs: number): string {
  const d = new Date(t);
  if (spanMs <= 36 * 3_600_000)
    return new Intl.DateTimeFormat(lang(), { hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
  return new Intl.DateTimeFormat(lang(), { month: 'numeric', day: 'numeric' }).format(d);
}

/** "in 3 days", "5 minutes ago". */
export function relative(v: string | number | Date | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const d = v instanceof Date ? v : new Date(v);
  const diff = d.getTime() - Date.now();
  if (!Number.isFinite(diff)) return String(v);
  const rtf = new Intl.RelativeTimeFormat(lang(), { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

/** "3 days" left (certificates). */
export function daysLeft(n: number | undefined): string {
  return n === undefined ? '—' : t('fmt.daysLeft', { n: num(n) });
}

/** An amount of money in `currency` (ISO 4217), e.g. "$12.34"; an unknown code is written after the number. */
export function money(n: number | null | undefined, currency: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  // Spend of a few requests is a fraction of a cent: two significant digits rather than "$0.00".
  const small = n !== 0 && Math.abs(n) < 0.01;
  try {
    return new Intl.NumberFormat(lang(), {
      style: 'currency',
      currency,
      ...(small ? { maximumSignificantDigits: 2 } : {}),
    }).format(n);
  } catch {
    return `${small ? n.toPrecision(2) : num(n, 2)} ${currency}`;
  }
}
