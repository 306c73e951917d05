// Scenarios: how the Foundry simulator misbehaves (or behaves) for one request.
//
// A scenario is what a test asks for; a Behaviour is the flat set of knobs the simulator's
// handlers read. Keeping the two apart lets scenarios stay short to write (`'hang'`,
// `{ kind: 'slowChunks', intervalMs: 50 }`) while each handler only checks the knobs it cares
// about, so every scenario applies to every endpoint where it makes sense.

/** Scenario names that need no options. */
export type ScenarioName =
  | 'ok'
  | 'hang'
  | 'reset'
  | 'contentFilter'
  | 'promptFilter'
  | 'rejectStreamOptions'
  | 'reasoning'
  | 'toolCalls'
  | 'length';

/** A scenario with its options; `chunks` is the number of content deltas a stream carries. */
export type ScenarioSpec =
  | { kind: 'ok'; chunks?: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'slowHeaders'; delayMs: number; chunks?: number }
  | { kind: 'hang' }
  | { kind: 'dropMidStream'; afterChunks: number; chunks?: number }
  | { kind: 'slowChunks'; intervalMs: number; chunks?: number }
  | { kind: 'contentFilter'; chunks?: number }
  | { kind: 'promptFilter' }
  | { kind: 'reset' }
  | { kind: 'rejectStreamOptions'; style?: StreamOptionsRejection }
  | { kind: 'reasoning'; chunks?: number }
  | { kind: 'toolCalls'; chunks?: number }
  | { kind: 'length'; chunks?: number };

/** What one request should get: a bare name or a spec with options. */
export type Scenario = ScenarioName | ScenarioSpec;

/**
 * The two error shapes Azure has used for a request carrying `stream_options` on an API version
 * that predates it: `unrecognized` (2024, `param: null, code: null`) and `unknown_parameter`
 * (the newer OpenAI-style shape naming the parameter).
 */
export type StreamOptionsRejection = 'unknown_parameter' | 'unrecognized';

/** The knobs handlers read; derived from a Scenario by `behaviourOf`. */
export interface Behaviour {
  /** How the exchange ends at the transport level. */
  transport: 'respond' | 'hang' | 'reset';
  /** A canned error status instead of a model reply. */
  status?: { status: number; body?: unknown; headers?: Record<string, string> };
  headerDelayMs: number;
  /** Delay between SSE events (or JSON body pieces). */
  chunkIntervalMs: number;
  /** Content deltas in a stream; undefined means the endpoint's default. */
  contentChunks?: number;
  /** Destroy the socket after this many SSE events (or body pieces). */
  dropAfterChunks?: number;
  finish?: 'length' | 'content_filter';
  promptFilter: boolean;
  reasoning: boolean;
  toolCalls: boolean;
  rejectStreamOptions?: StreamOptionsRejection;
}

const NAMES: readonly ScenarioName[] = [
  'ok',
  'hang',
  'reset',
  'contentFilter',
  'promptFilter',
  'rejectStreamOptions',
  'reasoning',
  'toolCalls',
  'length',
];

const BASE: Behaviour = {
  transport: 'respond',
  headerDelayMs: 0,
  chunkIntervalMs: 0,
  promptFilter: false,
  reasoning: false,
  toolCalls: false,
};

/** Turns a scenario into the behaviour handlers apply. */
export function behaviourOf(scenario: Scenario): Behaviour {
  const spec: ScenarioSpec = typeof scenario === 'string' ? ({ kind: scenario } as ScenarioSpec) : scenario;
  const chunks = 'chunks' in spec && spec.chunks !== undefined ? { contentChunks: spec.chunks } : {};
  switch (spec.kind) {
    case 'ok':
      return { ...BASE, ...chunks };
    case 'status':
      return { ...BASE, status: { status: spec.status, body: spec.body, headers: spec.headers } };
    case 'slowHeaders':
      return { ...BASE, ...chunks, headerDelayMs: spec.delayMs };
    case 'hang':
      return { ...BASE, transport: 'hang' };
    case 'reset':
      return { ...BASE, transport: 'reset' };
    case 'dropMidStream':
      return { ...BASE, ...chunks, dropAfterChunks: spec.afterChunks };
    case 'slowChunks':
      return { ...BASE, contentChunks: spec.chunks ?? 10, chunkIntervalMs: spec.intervalMs };
    case 'contentFilter':
      return { ...BASE, ...chunks, finish: 'content_filter' };
    case 'promptFilter':
      return { ...BASE, promptFilter: true };
    case 'rejectStreamOptions':
      return { ...BASE, rejectStreamOptions: spec.style ?? 'unknown_parameter' };
    case 'reasoning':
      return { ...BASE, ...chunks, reasoning: true };
    case 'toolCalls':
      return { ...BASE, ...chunks, toolCalls: true };
    case 'length':
      return { ...BASE, ...chunks, finish: 'length' };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const numberFields: Record<string, readonly string[]> = {
  status: ['status'],
  slowHeaders: ['delayMs'],
  dropMidStream: ['afterChunks'],
  slowChunks: ['intervalMs'],
};

/**
 * Parses the `x-sim-scenario` request header (a scenario name or a JSON spec), so that a test
 * driving an SDK can choose the behaviour of each request; throws on anything it cannot use.
 */
export function parseScenarioHeader(value: string): Scenario {
  const text = value.trim();
  if (!text.startsWith('{')) {
    if ((NAMES as readonly string[]).includes(text)) return text as ScenarioName;
    throw new Error(`unknown scenario name ${JSON.stringify(text)}`);
  }
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed) || typeof parsed.kind !== 'string') throw new Error('scenario JSON needs a string "kind"');
  const kind = parsed.kind;
  if (!(NAMES as readonly string[]).includes(kind) && !(kind in numberFields)) {
    throw new Error(`unknown scenario kind ${JSON.stringify(kind)}`);
  }
  for (const field of [...(numberFields[kind] ?? []), 'chunks']) {
    const v = parsed[field];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new Error(`scenario field ${field} must be a non-negative number`);
    }
    if (v === undefined && field !== 'chunks') throw new Error(`scenario ${kind} needs ${field}`);
  }
  if (parsed.headers !== undefined) {
    if (!isRecord(parsed.headers) || !Object.values(parsed.headers).every((h) => typeof h === 'string')) {
      throw new Error('scenario headers must be an object of strings');
    }
  }
  // The checks above establish every field the kind's spec type requires.
  return parsed as unknown as ScenarioSpec;
}
