/**
 * Instructions per request by function, from a callgrind run of Node (docs/reports/telemetry-cost.md,
 * "Where the in-place cost sits"): callgrind names native functions itself, but Node's compiled
 * JavaScript only as addresses, so this reads the perf map V8 writes under `--perf-basic-prof`
 * (`/tmp/perf-<pid>.map`) to name them, and sums the functions into the parts a cost is judged
 * by (the gateway's telemetry code, the scavenger, major collections, the compiler, the rest).
 * It runs `callgrind_annotate` (valgrind's package) on the profile. For example, after
 * `tsc -p bench/tsconfig.json`:
 *
 *   BENCH_ROUNDS=3 BENCH_REQUESTS=20000 valgrind --tool=callgrind --callgrind-out-file=cg.out \
 *     $NODE_BIN --perf-basic-prof --max-semi-space-size=4 dist/bench/telemetry-exporter-main.js
 *   $NODE_BIN dist/bench/callgrind-functions.js cg.out /tmp/perf-<pid>.map 80000
 *
 * (the requests the profile covers: 80,000 above, the warm-up round included).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface CodeRange {
  start: number;
  end: number;
  name: string;
}

// `start size name` lines, in hex, sorted by start for a binary search.
function readPerfMap(file: string): CodeRange[] {
  const ranges: CodeRange[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [start, size, ...name] = line.split(' ');
    if (!start || !size || name.length === 0) continue;
    const s = parseInt(start, 16);
    ranges.push({ start: s, end: s + parseInt(size, 16), name: name.join(' ') });
  }
  return ranges.sort((a, b) => a.start - b.start);
}

function nameAt(ranges: CodeRange[], address: number): string {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (address < r.start) hi = mid - 1;
    else if (address >= r.end) lo = mid + 1;
    else return `JS ${r.name}`;
  }
  return 'JS (not in the map)';
}

/** Self instructions by function name, JIT addresses named from `ranges`. */
function selfInstructions(profile: string, ranges: CodeRange[]): Map<string, number> {
  const out = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', profile], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
  });
  const byName = new Map<string, number>();
  let inTable = false;
  for (const line of out.split('\n')) {
    if (line.includes('file:function')) {
      inTable = true;
      continue;
    }
    const m = inTable ? /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$/.exec(line) : null;
    if (!m) continue;
    const count = Number(m[1]!.replace(/,/g, ''));
    const jit = /^\?\?\?:0x([0-9a-f]+)/.exec(m[2]!);
    const name = jit ? nameAt(ranges, parseInt(jit[1]!, 16)) : m[2]!.replace(/\s*\[\/.*\]$/, '');
    byName.set(name, (byName.get(name) ?? 0) + count);
  }
  return byName;
}

const PARTS: [string, RegExp][] = [
  ['telemetry JavaScript', /^JS .*\/telemetry\//],
  ['scavenger', /Scaveng/],
  ['major collection', /Marking|Sweep|MarkCompact/],
  ['compiler', /compiler::|maglev::|Compile/],
  ['other JavaScript', /^JS /],
];

function partOf(name: string): string {
  for (const [part, pattern] of PARTS) if (pattern.test(name)) return part;
  return 'other native';
}

const [profile, perfMap, requestsArg, topArg] = process.argv.slice(2);
if (!profile || !perfMap || !requestsArg) {
  console.error('usage: callgrind-functions.js <callgrind profile> <perf map> <requests> [top functions]');
  process.exit(2);
}
const requests = Number(requestsArg);
const byName = selfInstructions(profile, readPerfMap(perfMap));
const parts = new Map<string, number>();
let total = 0;
for (const [name, n] of byName) {
  const part = partOf(name);
  parts.set(part, (parts.get(part) ?? 0) + n);
  total += n;
}
const per = (n: number) => Math.round(n / requests).toLocaleString('en-US');
console.log(`instructions per request: ${per(total)}`);
for (const [part, n] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`  ${part}: ${per(n)}`);
console.log('top functions:');
for (const [name, n] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 30)))
  console.log(`  ${per(n).padStart(8)}  ${name.slice(0, 140)}`);
