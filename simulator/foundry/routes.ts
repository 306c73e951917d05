// The data-plane paths the simulator serves, as Azure lays them out: Foundry v1
// (`/openai/v1/<op>`, deployment in body.model) and classic (`/openai/deployments/<name>/<op>`
// with a mandatory api-version).
// https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle
import type { HttpOperation } from './errors.js';

const OPERATIONS: Record<string, HttpOperation> = {
  'chat/completions': 'chat',
  responses: 'responses',
  'images/generations': 'images',
  embeddings: 'embeddings',
  completions: 'completions',
  'images/edits': 'imageEdits',
  'images/variations': 'imageVariations',
  'audio/transcriptions': 'transcriptions',
  'audio/translations': 'translations',
  'audio/speech': 'speech',
};
const OPERATION_PATTERN = Object.keys(OPERATIONS).join('|');
const V1 = new RegExp(`^/openai/v1/(${OPERATION_PATTERN})$`);
// Responses has no deployment path on Azure.
const CLASSIC = new RegExp(`^/openai/deployments/([^/]+)/(${OPERATION_PATTERN.replace('responses|', '')})$`);

/** Where a request goes: the operation, the deployment when the path names it, the API version. */
export interface Route {
  operation: HttpOperation;
  /** From the path on classic routes; from body.model on v1. */
  deployment?: string;
  apiVersion: string;
}

/**
 * Maps a path to an operation: v1 `/openai/v1/<op>`, classic
 * `/openai/deployments/<deployment>/<op>?api-version=…`, and `/openai/responses?api-version=…`.
 * A classic path without api-version is a 404 on Azure, and so here.
 */
export function routeOf(method: string, rawUrl: string): Route | undefined {
  if (method !== 'POST') return undefined;
  const url = new URL(rawUrl, 'http://sim.invalid');
  const apiVersion = url.searchParams.get('api-version');
  const v1 = V1.exec(url.pathname);
  if (v1?.[1]) return { operation: OPERATIONS[v1[1]] ?? 'chat', apiVersion: apiVersion ?? 'v1' };
  if (apiVersion === null) return undefined;
  const classic = CLASSIC.exec(url.pathname);
  if (classic?.[1] && classic[2]) {
    return { operation: OPERATIONS[classic[2]] ?? 'chat', deployment: decodeURIComponent(classic[1]), apiVersion };
  }
  if (url.pathname === '/openai/responses') return { operation: 'responses', apiVersion };
  return undefined;
}
