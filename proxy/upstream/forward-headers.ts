/**
 * Which headers cross the proxy. Towards the upstream: an allow-list of the client's headers,
 * never hop-by-hop ones (RFC 9110 §7.6.1, including those named in `Connection`) and never the
 * client's credentials; the upstream credential is added by the caller.
 * Towards the client: the upstream's headers minus hop-by-hop and framing ones.
 */
import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

// Forwarded upstream: only headers known to be harmless and useful. An allow-list, because
// Azure reads credentials and routing from headers a deny-list would miss
// (x-ms-authorization-auxiliary, azureml-model-deployment, ocp-apim-subscription-key, …).
const TO_UPSTREAM = new Set([
  'accept',
  'accept-language',
  'user-agent',
  'openai-beta',
  'openai-organization',
  'traceparent',
  'tracestate',
  'extra-parameters',
]);
// x-stainless-*: the OpenAI SDKs' client telemetry; x-sim-*: the Foundry simulator's scenario
// selector, used by tests and benchmarks, meaningless to Azure.
const TO_UPSTREAM_PREFIXES = ['x-stainless-', 'x-sim-'];

// Never passed back: framing the proxy redoes, and what would leak upstream session state.
const NOT_DOWNSTREAM = new Set([
  'content-length',
  'set-cookie',
  'x-request-id',
  'date',
  'server',
  'strict-transport-security',
]);

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const raw = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    raw
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The client headers to send upstream (lower-cased names). */
export function upstreamRequestHeaders(client: IncomingHttpHeaders): Record<string, string> {
  const named = connectionTokens(client.connection);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    if (!TO_UPSTREAM.has(name) && !TO_UPSTREAM_PREFIXES.some((p) => name.startsWith(p))) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The upstream response headers to pass to the client. */
export function clientResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const named = connectionTokens(upstream.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_DOWNSTREAM.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  // Azure's own request id stays visible next to ours.
  const upstreamId = upstream['x-request-id'];
  if (typeof upstreamId === 'string') out['x-upstream-request-id'] = upstreamId;
  return out;
}
