/**
 * A table whose column headers sort it: a click (or Enter on the header's button) sorts by that
 * column, a second click reverses; the sorted header carries aria-sort. A footer row (totals)
 * stays last whatever the order. The order is remembered per table `id`, so a table redrawn with
 * fresh data (the Usage page polls) keeps the operator's choice.
 */
import { component, type Self } from '../component.js';
import { h, type Child } from '../dom.js';
import { t } from '../i18n.js';

/** One column: its header and whether it holds numbers (right-aligned, first sorted descending). */
export interface SortColumn {
  label: string;
  numeric?: boolean;
}

/** One row: the cells shown and, per column, the value it sorts by. */
export interface SortRow {
  cells: Child[];
  keys: (number | string)[];
}

/** Which column sorts the table, and which way. */
export interface SortOrder {
  col: number;
  dir: 'ascending' | 'descending';
}

interface Props {
  id: string;
  caption: string;
  columns: SortColumn[];
  rows: SortRow[];
  footer?: Child[];
  className: string;
}

const remembered = new Map<string, SortOrder>();

/** `rows` in `order`: numbers numerically, text by the UI's collation; equal keys keep their order. */
export function sortRows(rows: SortRow[], order: SortOrder | undefined): SortRow[] {
  if (!order) return rows;
  const sign = order.dir === 'ascending' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => {
      const x = a.row.keys[order.col];
      const y = b.row.keys[order.col];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
      return c * sign || a.i - b.i;
    })
    .map(({ row }) => row);
}

function cellsOf(cells: Child[], columns: SortColumn[]): HTMLElement[] {
  return cells.map((c, i) =>
    i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: columns[i]?.numeric ? 'num' : '' }, c),
  );
}

function View(p: Props, self: Self<{ order?: SortOrder }>): Child {
  const { order } = self.state;
  const sortBy = (col: number) => {
    const dir: SortOrder['dir'] =
      order?.col === col
        ? order.dir === 'ascending'
          ? 'descending'
          : 'ascending'
        : p.columns[col]?.numeric
          ? 'descending'
          : 'ascending';
    remembered.set(p.id, { col, dir });
    self.set({ order: { col, dir } });
  };
  const head = p.columns.map((c, i) => {
    const sorted = order?.col === i;
    return h(
      'th',
      { scope: 'col', class: c.numeric ? 'num' : '', 'aria-sort': sorted ? order.dir : null },
      h(
        'button',
        { type: 'button', class: 'sort-btn', title: t('table.sortBy', { column: c.label }), onClick: () => sortBy(i) },
        c.label,
        h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, sorted ? (order.dir === 'ascending' ? '▲' : '▼') : ''),
      ),
    );
  });
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': p.caption },
    h(
      'table',
      { class: `sortable ${p.className}` },
      h('caption', { class: 'visually-hidden' }, p.caption),
      h('thead', null, h('tr', null, head)),
      h(
        'tbody',
        null,
        sortRows(p.rows, order).map((r) => h('tr', null, cellsOf(r.cells, p.columns))),
      ),
      p.footer ? h('tfoot', null, h('tr', null, cellsOf(p.footer, p.columns))) : null,
    ),
  );
}

/** A sortable table `id` (its order survives redraws), with an optional footer row. */
export function sortableTable(
  id: string,
  caption: string,
  columns: SortColumn[],
  rows: SortRow[],
  opts: { footer?: Child[]; class?: string; initial?: SortOrder } = {},
): HTMLElement {
  const props: Props = { id, caption, columns, rows, footer: opts.footer, className: opts.class ?? '' };
  return component(h('div', { class: 'sortable-host' }), View, props, { order: remembered.get(id) ?? opts.initial })
    .host;
}
