/**
 * Resident memory of the stack's programs, read from /proc/<pid>/status (VmRSS) every few seconds
 * while the load is held, and the verdict on whether it stayed flat after warm-up: the median of
 * the first third of the samples against the median of the last third.
 */
import { memoryOf } from '../test/harness/proc-memory.js';
import { programPids as supervisedPids } from '../test/harness/supervisor-rpc.js';

/** The programs whose memory is watched. */
export const WATCHED = ['caddy', 'proxy', 'admin'] as const;
export type Watched = (typeof WATCHED)[number];

/** One sample: seconds since the sampler started and RSS in MiB per program (absent if unreadable). */
export interface RssSample {
  s: number;
  mib: Partial<Record<Watched, number>>;
}

/** The verdict for one program. */
export interface RssVerdict {
  program: Watched;
  samples: number;
  startMiB: number;
  endMiB: number;
  firstThirdMedianMiB: number;
  lastThirdMedianMiB: number;
  /** (last − first) / first, in percent. */
  growthPct: number;
  peakMiB: number;
  flat: boolean;
}

/** Growth under this is "flat": allocator noise and caches settle well inside it. */
export const FLAT_GROWTH_PCT = 10;

/** VmRSS of `pid` in MiB, or undefined when the process is gone. */
export async function rssMiB(pid: number): Promise<number | undefined> {
  const { rss } = await memoryOf(pid);
  return rss === 0 ? undefined : rss / 2 ** 20;
}

/** The pid of each watched program (0 when not running), through supervisord's socket. */
export function programPids(runDir: string): Promise<Record<Watched, number>> {
  return supervisedPids(runDir, WATCHED);
}

/** Samples every `intervalMs` until stopped; the timer never outlives `stop()`. */
export function startRssSampler(
  runDir: string,
  intervalMs: number,
): { samples: RssSample[]; stop(): Promise<RssSample[]> } {
  const samples: RssSample[] = [];
  const started = Date.now();
  let running: Promise<void> = Promise.resolve();
  const take = async () => {
    const pids = await programPids(runDir);
    const mib: RssSample['mib'] = {};
    for (const name of WATCHED) {
      const v = pids[name] ? await rssMiB(pids[name]) : undefined;
      if (v !== undefined) mib[name] = v;
    }
    samples.push({ s: (Date.now() - started) / 1000, mib });
  };
  const timer = setInterval(() => {
    running = running.then(take, take);
  }, intervalMs);
  running = take();
  return {
    samples,
    async stop() {
      clearInterval(timer);
      await running.catch(() => undefined);
      return samples;
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** First-third vs last-third medians per program. */
export function rssVerdicts(samples: readonly RssSample[]): RssVerdict[] {
  return WATCHED.map((program) => {
    const xs = samples.map((s) => s.mib[program]).filter((v): v is number => v !== undefined);
    const third = Math.max(1, Math.floor(xs.length / 3));
    const first = median(xs.slice(0, third));
    const last = median(xs.slice(-third));
    const growthPct = first > 0 ? ((last - first) / first) * 100 : 0;
    return {
      program,
      samples: xs.length,
      startMiB: xs[0] ?? 0,
      endMiB: xs.at(-1) ?? 0,
      firstThirdMedianMiB: first,
      lastThirdMedianMiB: last,
      growthPct,
      peakMiB: xs.length ? Math.max(...xs) : 0,
      flat: xs.length >= 3 && growthPct < FLAT_GROWTH_PCT,
    };
  });
}
