/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and says where the time went: self
 * time per function, per package or layer, and inclusive time of the proxy's own functions.
 * Format: https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile
 */
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One row of a summary: a name and milliseconds. */
export interface TimeRow {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time, in percent. */
  pct: number;
}

/** A time window in microseconds of CLOCK_MONOTONIC (`process.hrtime`), which V8 stamps samples with. */
export interface Window {
  fromUs: number;
  toUs: number;
}

/** What the profile says. */
export interface ProfileSummary {
  /** True when only the samples inside the load window were counted. */
  windowed: boolean;
  totalMs: number;
  idleMs: number;
  busyMs: number;
  topSelf: TimeRow[];
  byLayer: TimeRow[];
  proxyInclusive: TimeRow[];
}

function isProfile(value: unknown): value is CpuProfile {
  const v = value as Partial<CpuProfile> | null;
  return (
    !!v &&
    typeof v.startTime === 'number' &&
    Array.isArray(v.nodes) &&
    Array.isArray(v.samples) &&
    Array.isArray(v.timeDeltas)
  );
}

/** Where a script lives, relative to the repo or the package it belongs to. */
function shortUrl(url: string, root: string): string {
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) return file.slice(nm + '/node_modules/'.length);
  return file.startsWith(root) ? path.relative(root, file) : file;
}

/** Node's own modules, grouped by what they do. */
const NODE_LAYERS: [RegExp, string][] = [
  [/^node:(_http_|http$|internal\/http)/, 'Node http'],
  [/^node:internal\/streams\/|^node:stream/, 'Node streams'],
  [/^node:(net|internal\/stream_base_commons|internal\/net)/, 'Node net (sockets)'],
  [/^node:(events|internal\/event_target)/, 'Node events'],
  [/^node:internal\/abort_controller/, 'Node AbortSignal'],
  [/^node:internal\/crypto/, 'Node crypto'],
  [
    /^node:(internal\/process\/task_queues|internal\/async_hooks|async_hooks|internal\/timers|timers)/,
    'Node task queues, timers, async hooks',
  ],
  [/^node:buffer|^node:internal\/buffer/, 'Node buffer'],
];

/** Native functions that are the socket write system calls. */
const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeLatin1String', 'writeUtf8String']);

/** The package or layer a function belongs to. */
function layerOf(frame: CallFrame, root: string): string {
  const name = frame.functionName;
  if (!frame.url) {
    if (SOCKET_WRITES.has(name)) return 'socket writes (system calls)';
    if (name === '(garbage collector)') return 'garbage collector';
    return name.startsWith('(') ? name : 'V8 and native built-ins';
  }
  // The only WebAssembly here is llhttp, undici's HTTP parser.
  if (frame.url.startsWith('wasm:')) return 'undici';
  if (frame.url.startsWith('node:')) return NODE_LAYERS.find(([re]) => re.test(frame.url))?.[1] ?? 'Node (other)';
  const file = shortUrl(frame.url, root);
  if (file.startsWith('dist/proxy/')) return 'proxy/ (this project)';
  if (file.startsWith('dist/common/')) return 'common/ (this project)';
  const m = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(file);
  const pkg = m?.[1] ?? file;
  return ['pino', '@pinojs/redact', 'sonic-boom', 'quick-format-unescaped', 'fast-safe-stringify'].includes(pkg)
    ? 'logging (pino, @pinojs/redact)'
    : pkg;
}

function keyOf(frame: CallFrame, root: string): string {
  if (!frame.url) return frame.functionName || '(anonymous)';
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url, root)}:${frame.lineNumber + 1}`;
}

function rows(map: Map<string, number>, busyMs: number, limit: number): TimeRow[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({ name, ms, pct: (100 * ms) / busyMs }));
}

const NOT_BUSY = new Set(['(idle)', '(root)']);

/** Which samples fall inside `window` (sample times in µs); undefined when no window or none do. */
function inWindow(json: CpuProfile, window: Window | undefined): boolean[] | undefined {
  if (!window) return undefined;
  const inside: boolean[] = [];
  let t = json.startTime;
  let count = 0;
  for (let i = 0; i < json.samples.length; i++) {
    t += json.timeDeltas[i] ?? 0;
    const ok = t >= window.fromUs && t <= window.toUs;
    inside.push(ok);
    if (ok) count += 1;
  }
  // Another clock than ours would put every sample outside: then count them all.
  return count > 0 ? inside : undefined;
}

/**
 * Summarises a parsed .cpuprofile; `root` is the repository root (to shorten paths); with
 * `window`, start-up and shutdown are left out.
 */
export function summariseProfile(json: unknown, root: string, limit = 20, window?: Window): ProfileSummary {
  if (!isProfile(json)) throw new Error('not a V8 CPU profile');
  const inside = inWindow(json, window);
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of json.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const layer = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (let i = 0; i < json.samples.length; i++) {
    // timeDeltas[i] is the time before sample i; the time after it belongs to it.
    const ms = (json.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(json.samples[i] ?? -1);
    if (!node || ms <= 0 || (inside && !inside[i])) continue;
    totalMs += ms;
    if (NOT_BUSY.has(node.callFrame.functionName)) {
      idleMs += ms;
      continue;
    }
    const key = keyOf(node.callFrame, root);
    self.set(key, (self.get(key) ?? 0) + ms);
    const l = layerOf(node.callFrame, root);
    layer.set(l, (layer.get(l) ?? 0) + ms);
    // Inclusive time of the proxy's own functions: each on the stack once per sample.
    const seen = new Set<string>();
    for (
      let id: number | undefined = node.id, depth = 0;
      id !== undefined && depth < 500;
      id = parent.get(id), depth++
    ) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !shortUrl(frame.url, root).startsWith('dist/proxy/')) continue;
      const k = keyOf(frame, root);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const busyMs = totalMs - idleMs;
  return {
    windowed: inside !== undefined,
    totalMs,
    idleMs,
    busyMs,
    topSelf: rows(self, busyMs, limit),
    byLayer: rows(layer, busyMs, 40),
    proxyInclusive: rows(inclusive, busyMs, limit),
  };
}
