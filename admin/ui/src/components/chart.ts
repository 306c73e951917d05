/**
 * Time-series charts drawn as SVG (no library): stacked bars for counts, lines for latency.
 * Colours come from the stylesheet (classes s1…s6), so they follow the light and dark themes.
 * Hover, or focus the chart and use the arrow keys, to read the values of one time bucket.
 */
import { component, type Self } from '../component.js';
import { h, type Child } from '../dom.js';
import { calendarDate, tick } from '../format.js';
import { chartSvg } from './chart-svg.js';
import { PAD, type ChartSpec, type Geometry } from './chart-spec.js';

export type { ChartSeries, ChartSpec } from './chart-spec.js';

interface ChartState {
  /** The plot's width once measured (0 before: nothing drawn yet). */
  width: number;
  /** The bucket last read (-1: none yet); the arrow keys move on from it. */
  index: number;
  /** Whether its values are shown. */
  shown: boolean;
}

interface ChartProps {
  spec: ChartSpec;
  /** The live region that reads a bucket out (kept across redraws, so it is announced). */
  status: HTMLElement;
}

function when(spec: ChartSpec, i: number): string {
  return (
    tick(spec.x[i] ?? 0, spec.stepMs * 2) + (spec.stepMs >= 86_400_000 ? '' : ` · ${calendarDate(spec.x[i] ?? 0)}`)
  );
}

function valueText(spec: ChartSpec, v: number | null): string {
  return v === null ? '—' : spec.format(v);
}

/** What the live region says for bucket `i`. */
function reading(spec: ChartSpec, i: number): string {
  return `${when(spec, i)}: ${spec.series.map((se) => `${se.name} ${valueText(spec, se.values[i] ?? null)}`).join(', ')}`;
}

function tooltip(spec: ChartSpec, self: Self<ChartState>, geometry: Geometry | undefined): HTMLElement {
  const { index: i, shown } = self.state;
  const tip = h('div', { class: 'chart-tip', hidden: true, 'aria-hidden': 'true' });
  if (!geometry || !shown) return tip;
  tip.append(
    h('div', { class: 'tip-time' }, when(spec, i)),
    ...spec.series.map((se) =>
      h(
        'div',
        { class: 'tip-row' },
        h('span', { class: `swatch s${se.slot}` }),
        h('span', null, se.name),
        h('strong', null, valueText(spec, se.values[i] ?? null)),
      ),
    ),
  );
  tip.hidden = false;
  const x = geometry.left + geometry.bw * (i + 0.5);
  const width = self.state.width;
  // Placed once drawn: its own width decides which side of the guide it goes.
  self.after(() => {
    const tipWidth = tip.offsetWidth || 160;
    const left = Math.min(Math.max(x + 12, 0), width - tipWidth - 4);
    tip.style.left = `${x + 12 + tipWidth > width ? Math.max(x - tipWidth - 12, 0) : left}px`;
    tip.style.top = `${PAD.top + 28}px`;
  });
  return tip;
}

function Chart({ spec, status }: ChartProps, self: Self<ChartState>): Child {
  const hover = (i: number) => {
    if (i >= 0 && i < spec.x.length) {
      if (i !== self.state.index || !self.state.shown) self.set({ index: i, shown: true });
    } else if (self.state.shown) {
      self.set({ shown: false });
    }
  };
  const { width, index, shown } = self.state;
  const drawn = width ? chartSvg(spec, width, shown ? index : -1, hover) : undefined;
  return [
    h('figcaption', null, spec.title),
    h(
      'ul',
      { class: 'legend' },
      spec.series.map((se) =>
        h('li', null, h('span', { class: `swatch s${se.slot}`, 'aria-hidden': 'true' }), se.name),
      ),
    ),
    h('div', { class: 'chart-plot' }, drawn?.svg),
    tooltip(spec, self, drawn?.geometry),
    status,
  ];
}

function Said(_: null, self: Self<{ text: string }>): Child {
  return self.state.text;
}

/** A chart figure: heading, legend, SVG and tooltip; redraws when its width changes. */
export function chart(spec: ChartSpec): HTMLElement {
  const status = component(h('div', { class: 'visually-hidden', 'aria-live': 'polite' }), Said, null, { text: '' });
  const fig = h('figure', { class: 'chart', tabindex: 0, 'aria-label': `${spec.title}. ${spec.summary}` });
  const self = component(fig, Chart, { spec, status: status.host }, { width: 0, index: -1, shown: false });
  fig.addEventListener('keydown', (e) => {
    const n = spec.x.length;
    if (!n) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft' || e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const index = self.state.index;
      const next =
        e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : index < 0 ? n - 1 : index + (e.key === 'ArrowRight' ? 1 : -1);
      const i = Math.min(Math.max(next, 0), n - 1);
      self.set({ index: i, shown: true });
      status.set({ text: reading(spec, i) });
    } else if (e.key === 'Escape') {
      self.set({ shown: false });
    }
  });
  fig.addEventListener('blur', () => {
    if (self.state.shown) self.set({ shown: false });
  });
  // The plot fills the figure's width: measure it whenever the figure is resized.
  new ResizeObserver(() => {
    const plot = fig.querySelector('.chart-plot');
    const width = plot ? Math.max(plot.clientWidth, 280) : 0;
    if (plot && width !== self.state.width) self.set({ width });
  }).observe(fig);
  return fig;
}
