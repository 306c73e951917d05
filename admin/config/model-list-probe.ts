/**
 * The cheap call behind "Verify credential" for api-key upstreams: `GET <baseUrl>/openai/v1/models`
 * with the key. Listing models costs no tokens and is not billed, yet Azure checks the key exactly
 * as on a chat call (401 for a wrong key), so it tells the operator whether the key works.
 * https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle (v1 routes)
 */

/** How long the probe may take before it counts as unreachable. */
const PROBE_TIMEOUT_MS = 10_000;

/** What the upstream answered to the model list. */
export type ProbeAnswer =
  { reached: true; status: number; models?: number; azureMessage?: string } | { reached: false; error: string };

/** The model-list URL of an upstream's base URL. */
export function modelListUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/openai/v1/models`;
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = body.error;
  if (typeof error !== 'object' || error === null || !('message' in error)) return undefined;
  return typeof error.message === 'string' ? error.message : undefined;
}

function modelCount(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || !('data' in body)) return undefined;
  return Array.isArray(body.data) ? body.data.length : undefined;
}

/** Lists the upstream's models with `headers` (the credential's); never throws. */
export async function probeModelList(baseUrl: string, headers: Record<string, string>): Promise<ProbeAnswer> {
  try {
    const res = await fetch(modelListUrl(baseUrl), { headers, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = undefined;
    }
    return { reached: true, status: res.status, models: modelCount(body), azureMessage: errorMessage(body) };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { reached: false, error: `${err instanceof Error ? err.message : String(err)}${cause}` };
  }
}
