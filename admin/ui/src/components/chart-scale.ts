/** The arithmetic of the time-series charts: axis ticks and the height of each bucket. DOM-free. */

/** The smallest 1/2/2.5/5×10^k step giving at most `count` ticks up to `max`; the ticks from 0. */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = integer ? Math.max(1, max / count) : max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw && (!integer || Number.isInteger(st))) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Each bucket's height: the sum of the series for stacked bars, the highest value for lines. */
export function bucketTotals(
  kind: 'stacked' | 'lines',
  buckets: number,
  series: { values: (number | null)[] }[],
): number[] {
  return Array.from({ length: buckets }, (_, i) =>
    kind === 'stacked'
      ? series.reduce((a, se) => a + (se.values[i] ?? 0), 0)
      : Math.max(0, ...series.map((se) => se.values[i] ?? 0)),
  );
}

/** The SVG path of a line through the values, lifting the pen over gaps (null). */
export function linePath(values: (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}
