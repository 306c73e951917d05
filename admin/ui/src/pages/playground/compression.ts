/** What the proxy's image compression did to an attached image, read back from the usage statistics. */
import { getJson, isRecord } from '../../api.js';
import { busy } from '../../components/alerts.js';
import { facts } from '../../components/table.js';
import { component, type Self } from '../../component.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { bytes } from '../../format.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

/** The usage of `model` in the last ten minutes: requests and image bytes saved. */
export interface ModelUsage {
  requests: number;
  saved: number;
}

/** Measuring, or the bytes of the original image and how many compression saved. */
export type Compression = { phase: 'measuring' } | { phase: 'done'; original: number; saved: number };

/** Reads `model`'s usage. */
export async function usageOf(model: string): Promise<ModelUsage> {
  const q = new URLSearchParams({ from: String(Date.now() - 10 * 60_000), model, resolution: 'minute' });
  const r = await getJson<Json>(`/usage?${q}`);
  const totals = isRecord(r.totals) ? r.totals : {};
  return { requests: Number(totals.requests) || 0, saved: Number(totals.imageBytesSaved) || 0 };
}

/** Waits until the request after `before` is counted (the proxy records usage when the response ends). */
export async function usageAfter(model: string, before: ModelUsage): Promise<ModelUsage> {
  let after = before;
  for (let i = 0; i < 10 && after.requests <= before.requests; i++) {
    await new Promise((r) => setTimeout(r, 300));
    after = await usageOf(model).catch(() => before);
  }
  return after;
}

function CompressionView(_: null, self: Self<{ c: Compression }>): Child {
  const { c } = self.state;
  if (c.phase === 'measuring') return busy(t('play.measuring'));
  const { original, saved } = c;
  const server = config.original?.server;
  const cfg = isRecord(server) && isRecord(server.imageCompression) ? server.imageCompression : {};
  const threshold = typeof cfg.thresholdBytes === 'number' ? cfg.thresholdBytes : 262_144;
  return [
    h('h3', null, t('play.compression')),
    facts([
      [t('play.original'), bytes(original)],
      [t('play.sentUpstream'), saved > 0 ? bytes(Math.max(original - saved, 0)) : bytes(original)],
      [t('play.saved'), saved > 0 ? `${bytes(saved)} (${Math.round((saved / original) * 100)}%)` : '0'],
    ]),
    saved > 0
      ? null
      : h(
          'p',
          { class: 'help' },
          cfg.enabled === false ? t('play.compressionOff') : t('play.notCompressed', { threshold: bytes(threshold) }),
        ),
  ];
}

/** The compression box (a live region). */
export function compressionBox(): Self<{ c: Compression }> {
  return component(h('div', { class: 'compression', 'aria-live': 'polite' }), CompressionView, null, {
    c: { phase: 'measuring' },
  });
}
