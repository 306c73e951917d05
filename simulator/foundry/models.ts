// GET /openai/v1/models: the resource's model list, the cheapest authenticated call a resource
// answers (no tokens, not billed), which is why "Verify credential" uses it for api-key upstreams.
// https://learn.microsoft.com/azure/ai-foundry/openai/reference-preview-latest (Models - List)
import type { SimReply } from './reply.js';

const MODELS_PATH = /^\/openai\/(v1\/)?models$/;

/** True for the model-list paths (v1, and classic with an api-version). */
export function isModelList(method: string, rawUrl: string): boolean {
  const url = new URL(rawUrl, 'http://sim.invalid');
  return method === 'GET' && MODELS_PATH.test(url.pathname);
}

/** The list, one entry per deployment the simulator was told about (or a single stock model). */
export function modelListReply(models: Record<string, string> | undefined): SimReply {
  const names = Object.values(models ?? {});
  const data = (names.length ? names : ['gpt-4o']).map((id) => ({
    id,
    object: 'model',
    created: 1_715_558_400,
    status: 'succeeded',
    capabilities: { chat_completion: true, completion: false, embeddings: false, inference: true },
  }));
  return { kind: 'json', status: 200, body: { object: 'list', data }, tokens: 0 };
}
