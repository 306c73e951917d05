/**
 * One client request as the request log holds it: written by the proxy (its request log), read by
 * the admin's request search, which adds the requests Caddy answered itself in the same shape
 * (docs/usage-and-metrics.md, "Request log").
 */

/** One finished client request. */
export interface RequestRecord {
  /** Epoch ms when the response closed. */
  at: number;
  /** The `x-request-id` the client got. */
  id: string;
  method: string;
  /** Path without the query string (which may carry a key). */
  path: string;
  keyId: string;
  /** The model as the usage statistics count it; '(none)' before the model was known. */
  model: string;
  /** The upstream target that answered or refused (cooling down, circuit open); '' for none. */
  target: string;
  /** HTTP status; 0 for a client that left before the answer was complete. */
  status: number;
  ms: number;
  /** The OpenAI error code of a gateway refusal (`invalid_api_key`, `rate_limit_exceeded`…). */
  error?: string;
  /** True when an upstream answered (false for refusals made by the gateway itself). */
  upstream: boolean;
  totalTokens?: number;
  /** False for requests the usage statistics do not count (model listings). */
  counted: boolean;
}
