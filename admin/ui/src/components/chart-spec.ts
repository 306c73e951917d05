/** What a time-series chart draws, and its fixed layout. */

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

/** The plot's height (px). */
export const HEIGHT = 220;
/** The space around the plot for the axes' labels (px). */
export const PAD = { top: 12, right: 12, bottom: 26, left: 52 };

/** Where the buckets are: the plot's left edge, a bucket's width, their number. */
export interface Geometry {
  left: number;
  bw: number;
  n: number;
}
