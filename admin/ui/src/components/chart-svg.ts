/** The SVG of a chart at a given width: grid, axis, bars or lines, the hover guide and overlay. */
import { s } from '../dom.js';
import { tick } from '../format.js';
import { bucketTotals, linePath, niceTicks } from './chart-scale.js';
import { HEIGHT, PAD, type ChartSpec, type Geometry } from './chart-spec.js';

function bars(spec: ChartSpec, y: (v: number) => number, bw: number): SVGGElement[] {
  const gap = bw > 6 ? Math.min(2, bw * 0.2) : 0;
  const base = new Array<number>(spec.x.length).fill(0);
  return spec.series.map((se) => {
    const g = s('g', { class: `bars s${se.slot}` });
    se.values.forEach((v, i) => {
      if (!v) return;
      const y0 = y(base[i] ?? 0);
      const y1 = y((base[i] ?? 0) + v);
      base[i] = (base[i] ?? 0) + v;
      g.append(
        s('rect', {
          x: PAD.left + bw * i + gap / 2,
          y: y1,
          width: Math.max(bw - gap, 0.8),
          height: Math.max(y0 - y1, 0.5),
        }),
      );
    });
    return g;
  });
}

function lines(spec: ChartSpec, y: (v: number) => number, bw: number): SVGElement[] {
  const x = (i: number) => PAD.left + bw * (i + 0.5);
  return spec.series.flatMap((se) => [
    s('path', { class: `line s${se.slot}`, d: linePath(se.values, x, y) }),
    // Single points (isolated buckets) get a dot, or they would be invisible.
    ...se.values.flatMap((v, i) =>
      v !== null && se.values[i - 1] == null && se.values[i + 1] == null
        ? [s('circle', { class: `dot s${se.slot}`, cx: x(i), cy: y(v), r: 2.5 })]
        : [],
    ),
  ]);
}

/** The chart's SVG; `hover` gets the bucket under the pointer (-1 when it leaves). */
export function chartSvg(
  spec: ChartSpec,
  width: number,
  index: number,
  hover: (i: number) => void,
): { svg: SVGSVGElement; geometry: Geometry } {
  const n = spec.x.length;
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const bw = n ? plotW / n : plotW;
  const max = Math.max(0, ...bucketTotals(spec.kind, n, spec.series));
  const ticks = niceTicks(max, 4, spec.integer);
  const top = ticks[ticks.length - 1] ?? 1;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const svg = s('svg', {
    width,
    height: HEIGHT,
    viewBox: `0 0 ${width} ${HEIGHT}`,
    role: 'img',
    'aria-label': `${spec.title}. ${spec.summary}`,
  });
  svg.append(
    s(
      'g',
      { class: 'grid' },
      ticks.map((v) => [
        s('line', { x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v) }),
        s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, spec.format(v)),
      ]),
    ),
  );
  // About one x label per 110 px.
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 110))));
  const axis = s('g', { class: 'axis' });
  for (let i = 0; i < n; i += labelEvery) {
    axis.append(
      s(
        'text',
        { x: PAD.left + bw * (i + 0.5), y: HEIGHT - 8, 'text-anchor': 'middle' },
        tick(spec.x[i] ?? 0, (spec.x[n - 1] ?? 0) - (spec.x[0] ?? 0)),
      ),
    );
  }
  svg.append(axis);
  if (max === 0)
    svg.append(
      s(
        'text',
        { class: 'empty', x: PAD.left + plotW / 2, y: PAD.top + plotH / 2, 'text-anchor': 'middle' },
        spec.emptyText,
      ),
    );
  else svg.append(...(spec.kind === 'stacked' ? bars(spec, y, bw) : lines(spec, y, bw)));
  const shown = index >= 0 && index < n;
  const gx = PAD.left + bw * (index + 0.5);
  svg.append(
    s('line', {
      class: 'guide',
      y1: PAD.top,
      y2: PAD.top + plotH,
      ...(shown ? { x1: gx, x2: gx } : {}),
      visibility: shown ? 'visible' : 'hidden',
    }),
  );
  const overlay = s('rect', { class: 'overlay', x: PAD.left, y: PAD.top, width: plotW, height: plotH });
  overlay.addEventListener('pointermove', (e) => {
    const rect = svg.getBoundingClientRect();
    hover(Math.floor((e.clientX - rect.left - PAD.left) / bw));
  });
  overlay.addEventListener('pointerleave', () => hover(-1));
  svg.append(overlay);
  return { svg, geometry: { left: PAD.left, bw, n } };
}
