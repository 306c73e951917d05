/**
 * The GenAI semantic conventions as this gateway fills them
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/): the operation a client path names, and
 * what an answer says about itself (the model that answered, why it stopped).
 */

/** `gen_ai.system` for Azure OpenAI / Foundry (the older attribute, still read by many backends). */
export const GEN_AI_SYSTEM = 'az.ai.openai';
/** `gen_ai.provider.name` for Azure OpenAI / Foundry (the newer attribute). */
export const GEN_AI_PROVIDER = 'azure.ai.openai';

// Longest suffix first: "/chat/completions" must not be read as "/completions".
const OPERATIONS: ReadonlyArray<readonly [string, string]> = [
  ['/chat/completions', 'chat'],
  ['/responses', 'chat'],
  ['/completions', 'text_completion'],
  ['/embeddings', 'embeddings'],
  ['/images/generations', 'image_generation'],
  ['/images/edits', 'image_generation'],
  ['/audio/speech', 'speech'],
  ['/audio/transcriptions', 'transcription'],
  ['/audio/translations', 'transcription'],
];

/** `gen_ai.operation.name` for a client path, or undefined for a call that is not a model operation. */
export function operationOf(url: string): string | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  for (const [suffix, op] of OPERATIONS) if (path.endsWith(suffix)) return op;
  return undefined;
}

/** What an answer says about itself. */
export interface AnswerMeta {
  responseModel?: string;
  responseId?: string;
  finishReasons: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Adds what `json` (a whole answer, or one stream event) says to `meta`: Chat Completions name
 * `model` and `choices[].finish_reason`; the Responses API nests its answer under `response`
 * and says `status` (and `incomplete_details.reason`) instead.
 */
export function noteAnswer(meta: AnswerMeta, json: unknown): void {
  if (!isObject(json)) return;
  const body = isObject(json.response) ? json.response : json;
  if (typeof body.model === 'string' && body.model) meta.responseModel = body.model;
  if (typeof body.id === 'string' && body.id) meta.responseId = body.id;
  if (Array.isArray(body.choices)) {
    for (const c of body.choices) {
      const reason = isObject(c) ? c.finish_reason : undefined;
      // A new array of the exact length rather than a push, which would reserve seventeen
      // slots in the trace that holds it while the request is open.
      if (typeof reason === 'string' && !meta.finishReasons.includes(reason))
        meta.finishReasons = meta.finishReasons.length === 0 ? [reason] : [...meta.finishReasons, reason];
    }
  } else if (body.object === 'response' && typeof body.status === 'string' && body.status !== 'in_progress') {
    const incomplete = isObject(body.incomplete_details) ? body.incomplete_details.reason : undefined;
    meta.finishReasons = [typeof incomplete === 'string' ? incomplete : body.status];
  }
}
