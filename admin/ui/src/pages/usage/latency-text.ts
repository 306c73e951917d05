/**
 * A latency percentile as the Usage and Overview pages show it: exact figures as they are (they
 * are durations of requests the request search lists), estimates from the histogram marked "≈"
 * with their error bound (docs/usage-and-metrics.md, "Latency percentiles").
 */
import { ms } from '../../format.js';
import { t } from '../../i18n.js';

type Counters = Record<string, unknown>;

/** Percentile `p` of `c` (`latencyP95Ms` with its `latencyP95ErrorPct`) as text; '—' without requests. */
export function latencyText(c: Counters | undefined, p: 'P50' | 'P95' | 'P99'): string {
  const v = c?.[`latency${p}Ms`];
  if (typeof v !== 'number') return '—';
  const bound = c?.[`latency${p}ErrorPct`];
  return typeof bound === 'number' && bound > 0 ? t('usage.estimate', { v: ms(v), pct: String(bound) }) : ms(v);
}
