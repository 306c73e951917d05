// One entry of the simulator's request log: an HTTP request, or a realtime session, updated as
// its answer progresses, for tests to inspect.
import type { SimOperation } from './errors.js';
import type { Scenario } from './scenarios.js';

/** One request as the simulator received it, updated as its response progresses. */
export interface SimRequest {
  method: string;
  /** Path including the query string. */
  path: string;
  /** Request headers, names lowercased. */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  operation?: SimOperation;
  deployment?: string;
  scenario?: Scenario;
  /** Status code sent, once headers went out. */
  status?: number;
  /** The client closed the connection before the simulator finished responding. */
  aborted: boolean;
  /** The simulator wrote the whole response (a realtime session: closed with 1000). */
  completed: boolean;
  /** A realtime session's client events, by type, in order. */
  events?: string[];
}
