/**
 * Time-series charts drawn as SVG (no library): stacked bars for counts, lines for latency.
 * Colours come from the stylesheet (classes s1…s6), so they follow the light and dark themes.
 * Hover, or focus the chart and use the arrow keys, to read the values of one time bucket.
 */
import { h, s } from './dom.js';
import { tick } from './format.js';

/** One series of a chart. */
export interface ChartSeries {
  name: string;
  /** Colour slot 1–6 (CSS classes s1…s6). */
  slot: number;
  /** One value per x; null is a gap (no requests in that bucket). */
  values: (number | null)[];
}

/** What to draw. */
export interface ChartSpec {
  title: string;
  kind: 'stacked' | 'lines';
  /** Bucket start times (epoch ms), evenly spaced by `stepMs`. */
  x: number[];
  stepMs: number;
  series: ChartSeries[];
  /** Axis and tooltip format of a value. */
  format: (n: number) => string;
  /** Shown when every value is zero or null. */
  emptyText: string;
  /** A one-sentence summary for screen readers. */
  summary: string;
  /** Counts: ticks are whole numbers. */
  integer?: boolean;
}

const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 26, left: 52 };

/** The smallest 1/2/5×10^k step giving at most `count` ticks up to `max`. */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = integer ? Math.max(1, max / count) : max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw && (!integer || Number.isInteger(st))) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A chart figure: heading, legend, SVG and tooltip; redraws when its width changes. */
export function chart(spec: ChartSpec): HTMLElement {
  const tooltip = h('div', { class: 'chart-tip', hidden: true, 'aria-hidden': 'true' });
  const plot = h('div', { class: 'chart-plot' });
  const legend = h(
    'ul',
    { class: 'legend' },
    spec.series.map((se) => h('li', null, h('span', { class: `swatch s${se.slot}`, 'aria-hidden': 'true' }), se.name)),
  );
  const status = h('div', { class: 'visually-hidden', 'aria-live': 'polite' });
  const fig = h('figure', { class: 'chart', tabindex: 0, 'aria-label': `${spec.title}. ${spec.summary}` }, h('figcaption', null, spec.title), legend, plot, tooltip, status);

  let width = 0;
  let index = -1;
  let geometry: { left: number; bw: number; n: number } | undefined;
  let guide: SVGLineElement | undefined;

  const valueAt = (i: number) => spec.series.map((se) => ({ se, v: se.values[i] ?? null }));

  const showTip = (i: number, announceIt: boolean) => {
    if (!geometry || i < 0 || i >= geometry.n) {
      tooltip.hidden = true;
      guide?.setAttribute('visibility', 'hidden');
      return;
    }
    index = i;
    const x = geometry.left + geometry.bw * (i + 0.5);
    guide?.setAttribute('x1', String(x));
    guide?.setAttribute('x2', String(x));
    guide?.setAttribute('visibility', 'visible');
    const when = tick(spec.x[i] ?? 0, spec.stepMs * 2) + (spec.stepMs >= 86_400_000 ? '' : ` · ${new Date(spec.x[i] ?? 0).toLocaleDateString()}`);
    tooltip.replaceChildren(
      h('div', { class: 'tip-time' }, when),
      ...valueAt(i).map(({ se, v }) => h('div', { class: 'tip-row' }, h('span', { class: `swatch s${se.slot}` }), h('span', null, se.name), h('strong', null, v === null ? '—' : spec.format(v)))),
    );
    tooltip.hidden = false;
    const tipWidth = tooltip.offsetWidth || 160;
    const left = Math.min(Math.max(x + 12, 0), width - tipWidth - 4);
    tooltip.style.left = `${x + 12 + tipWidth > width ? Math.max(x - tipWidth - 12, 0) : left}px`;
    tooltip.style.top = `${PAD.top + 28}px`;
    if (announceIt) status.textContent = `${when}: ${valueAt(i).map(({ se, v }) => `${se.name} ${v === null ? '—' : spec.format(v)}`).join(', ')}`;
  };

  const draw = () => {
    width = Math.max(plot.clientWidth, 280);
    const n = spec.x.length;
    const plotW = width - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const bw = n ? plotW / n : plotW;
    geometry = { left: PAD.left, bw, n };
    const totals = spec.x.map((_, i) => (spec.kind === 'stacked' ? spec.series.reduce((a, se) => a + (se.values[i] ?? 0), 0) : Math.max(0, ...spec.series.map((se) => se.values[i] ?? 0))));
    const max = Math.max(0, ...totals);
    const ticks = niceTicks(max, 4, spec.integer);
    const top = ticks[ticks.length - 1] ?? 1;
    const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
    const svg = s('svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': `${spec.title}. ${spec.summary}` });
    const grid = s('g', { class: 'grid' });
    for (const v of ticks) {
      grid.append(
        s('line', { x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v) }),
        s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, spec.format(v)),
      );
    }
    svg.append(grid);
    // About one x label per 110 px.
    const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 110))));
    const axis = s('g', { class: 'axis' });
    for (let i = 0; i < n; i += labelEvery) {
      axis.append(s('text', { x: PAD.left + bw * (i + 0.5), y: HEIGHT - 8, 'text-anchor': 'middle' }, tick(spec.x[i] ?? 0, (spec.x[n - 1] ?? 0) - (spec.x[0] ?? 0))));
    }
    svg.append(axis);
    if (max === 0) {
      svg.append(s('text', { class: 'empty', x: PAD.left + plotW / 2, y: PAD.top + plotH / 2, 'text-anchor': 'middle' }, spec.emptyText));
    } else if (spec.kind === 'stacked') {
      const gap = bw > 6 ? Math.min(2, bw * 0.2) : 0;
      const base = new Array<number>(n).fill(0);
      for (const se of spec.series) {
        const g = s('g', { class: `bars s${se.slot}` });
        se.values.forEach((v, i) => {
          if (!v) return;
          const y0 = y(base[i] ?? 0);
          const y1 = y((base[i] ?? 0) + v);
          base[i] = (base[i] ?? 0) + v;
          g.append(s('rect', { x: PAD.left + bw * i + gap / 2, y: y1, width: Math.max(bw - gap, 0.8), height: Math.max(y0 - y1, 0.5) }));
        });
        svg.append(g);
      }
    } else {
      for (const se of spec.series) {
        let d = '';
        let pen = false;
        se.values.forEach((v, i) => {
          if (v === null) {
            pen = false;
            return;
          }
          d += `${pen ? 'L' : 'M'}${(PAD.left + bw * (i + 0.5)).toFixed(1)},${y(v).toFixed(1)}`;
          pen = true;
        });
        svg.append(s('path', { class: `line s${se.slot}`, d }));
        // Single points (isolated buckets) get a dot, or they would be invisible.
        se.values.forEach((v, i) => {
          if (v !== null && se.values[i - 1] == null && se.values[i + 1] == null) svg.append(s('circle', { class: `dot s${se.slot}`, cx: PAD.left + bw * (i + 0.5), cy: y(v), r: 2.5 }));
        });
      }
    }
    guide = s('line', { class: 'guide', y1: PAD.top, y2: PAD.top + plotH, visibility: 'hidden' });
    svg.append(guide);
    const overlay = s('rect', { class: 'overlay', x: PAD.left, y: PAD.top, width: plotW, height: plotH });
    overlay.addEventListener('pointermove', (e) => {
      const rect = svg.getBoundingClientRect();
      showTip(Math.floor((e.clientX - rect.left - PAD.left) / bw), false);
    });
    overlay.addEventListener('pointerleave', () => showTip(-1, false));
    svg.append(overlay);
    plot.replaceChildren(svg);
  };

  fig.addEventListener('keydown', (e) => {
    const n = spec.x.length;
    if (!n) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft' || e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const next = e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : index < 0 ? n - 1 : index + (e.key === 'ArrowRight' ? 1 : -1);
      showTip(Math.min(Math.max(next, 0), n - 1), true);
    } else if (e.key === 'Escape') {
      showTip(-1, false);
    }
  });
  fig.addEventListener('blur', () => showTip(-1, false));

  let lastWidth = -1;
  const observer = new ResizeObserver(() => {
    if (plot.clientWidth !== lastWidth) {
      lastWidth = plot.clientWidth;
      draw();
    }
  });
  observer.observe(plot);
  return fig;
}
