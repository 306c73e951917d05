/**
 * Usage: requests by status class, tokens (prompt / cached / completion / reasoning), errors and
 * latency over time, filtered by model, key and time range; totals and cost by model, key and
 * target; the same report as CSV from the server (with each key's team and the cost).
 */
import { getJson, isRecord } from '../../api.js';
import { choiceSelect, keptChoice } from '../../components/choice-select.js';
import { control } from '../../components/control.js';
import { pageHeader } from '../../components/page-header.js';
import { segmented } from '../../components/segmented.js';
import { config } from '../../config-state.js';
import { busyWith, h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import type { Page } from '../../page.js';
import { asReport, csvHref, RANGES, reportQuery, type Range, type Report } from './report.js';
import { usageBody } from './usage-body.js';

type Json = Record<string, unknown>;
const REFRESH_MS = 10_000;

/** Filters survive navigation and language switches. */
const filters = { range: '24h' as Range, model: '', key: '', auto: true };

function draw(signal: AbortSignal): Child {
  let keys: Json[] = [];
  const body = usageBody();
  const modelSelect = choiceSelect({ value: '', label: t('usage.allModels') });
  const keySelect = choiceSelect({ value: '', label: t('usage.allKeys') });
  const auto = h('input', { type: 'checkbox', id: 'usage-auto', checked: filters.auto });
  // A link, so the browser downloads it with the login it has; its range is fixed at each load.
  const csvLink = h(
    'a',
    { class: 'btn btn-secondary', href: '#', download: 'usage.csv' },
    icon('download', 16),
    t('usage.csv'),
  );

  const keyName = (k: string) => {
    const key = keys.find((x) => x.id === k);
    return k === '' ? t('usage.noKey') : key?.label ? `${String(key.label)} (${k})` : k;
  };

  const load = async () => {
    const query = reportQuery(filters.range, filters.model, filters.key, Date.now());
    csvLink.href = csvHref(query);
    csvLink.download = `usage-${new Date(Number(query.get('from'))).toISOString().slice(0, 16)}-${filters.range}.csv`;
    let report: Report;
    try {
      report = asReport(await getJson(`/usage?${query}`, signal));
    } catch (error) {
      if (!signal.aborted) body.set({ view: { phase: 'failed', error } });
      return;
    }
    if (signal.aborted) return;
    const configured = Array.isArray(config.original?.models)
      ? config.original.models.filter(isRecord).map((m) => String(m.id))
      : [];
    const models = [...new Set([...configured, ...Object.keys(report.byModel)])].map((m) => ({ value: m, label: m }));
    modelSelect.set({ choices: models, value: keptChoice(models, filters.model) });
    const keyIds = [...new Set([...keys.map((k) => String(k.id)), ...Object.keys(report.byKey)])].map((k) => ({
      value: k,
      label: keyName(k),
    }));
    keySelect.set({ choices: keyIds, value: keptChoice(keyIds, filters.key) });
    body.set({
      view: { phase: 'ready', report, time: Date.now(), keyName, currency: config.currency() },
    });
  };

  modelSelect.host.addEventListener('change', () => {
    filters.model = modelSelect.host.value;
    void load();
  });
  keySelect.host.addEventListener('change', () => {
    filters.key = keySelect.host.value;
    void load();
  });
  auto.addEventListener('change', () => {
    filters.auto = auto.checked;
  });

  void Promise.allSettled([getJson<Json>('/keys', signal), config.ensure()]).then(async ([keyList]) => {
    if (keyList.status === 'fulfilled' && Array.isArray(keyList.value.data)) keys = keyList.value.data.filter(isRecord);
    await load();
  });
  const timer = setInterval(() => {
    if (filters.auto && !busyWith(body.host)) void load();
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));

  const rangeOptions = (Object.keys(RANGES) as Range[]).map((r) => ({ value: r, label: t(`usage.range.${r}`) }));
  const range = segmented(t('usage.range'), rangeOptions, filters.range, (r) => {
    filters.range = r;
    void load();
  });
  return [
    pageHeader(t('nav.usage'), t('usage.lead'), csvLink),
    h(
      'div',
      { class: 'toolbar card' },
      h('div', { class: 'field' }, h('span', { class: 'label', id: 'range-label' }, t('usage.range')), range),
      control(t('usage.model'), modelSelect.host),
      control(t('usage.key'), keySelect.host),
      h(
        'div',
        { class: 'field field-check' },
        h('div', { class: 'check' }, auto, h('label', { for: 'usage-auto' }, t('usage.auto'))),
      ),
    ),
    body.host,
  ];
}

/** The Usage page. */
export const usagePage: Page = {
  title: 'nav.usage',
  draw: (_, signal) => draw(signal),
};
