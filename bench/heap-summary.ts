/**
 * A V8 heap snapshot (`.heapsnapshot`, as `--heapsnapshot-signal` writes it) reduced to where the
 * bytes are: self size summed per kind of node (objects by constructor name, strings, code,
 * arrays), largest first, so a profile can say which objects a thousand open streams cost.
 */

/** Bytes and count of one kind of heap node. */
export interface HeapRow {
  name: string;
  count: number;
  bytes: number;
}

/** The snapshot's total and its largest kinds. */
export interface HeapSummary {
  totalBytes: number;
  nodes: number;
  rows: HeapRow[];
}

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function isSnapshot(json: unknown): json is SnapshotJson {
  const j = json as Partial<SnapshotJson> | null;
  return !!j && Array.isArray(j.nodes) && Array.isArray(j.strings) && !!j.snapshot?.meta;
}

/** Groups `json`'s nodes: objects and closures by name, everything else by its V8 node type. */
export function summariseHeap(json: unknown, limit = 25): HeapSummary {
  if (!isSnapshot(json)) throw new Error('not a V8 heap snapshot');
  const fields = json.snapshot.meta.node_fields;
  const types = json.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, HeapRow>();
  let totalBytes = 0;
  for (let i = 0; i < json.nodes.length; i += width) {
    const type = types[json.nodes[i + typeAt] ?? 0] ?? '?';
    const size = json.nodes[i + sizeAt] ?? 0;
    totalBytes += size;
    const name =
      type === 'object' || type === 'closure' || type === 'native'
        ? `${type === 'object' ? '' : `(${type}) `}${json.strings[json.nodes[i + nameAt] ?? 0] ?? '?'}`
        : `(${type})`;
    const row = groups.get(name) ?? { name, count: 0, bytes: 0 };
    row.count += 1;
    row.bytes += size;
    groups.set(name, row);
  }
  const rows = [...groups.values()].sort((a, b) => b.bytes - a.bytes).slice(0, limit);
  return { totalBytes, nodes: json.nodes.length / width, rows };
}
