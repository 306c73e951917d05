/**
 * The prompt and the completion of a logged call as text: the request's messages, input or
 * prompt, and the answer's generated text, whether it came as one JSON body or as an event
 * stream (Chat Completions deltas, Responses `output_text` deltas, legacy completions).
 * Inline images are replaced by a marker: they are neither prompt text nor small.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const DATA_URL = /data:[a-z]+\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+/gi;

/** The prompt part of a request body, as JSON text with inline images replaced. */
export function promptText(body: unknown): string {
  if (!isObj(body)) return '';
  const prompt = body.messages ?? body.input ?? body.prompt ?? '';
  const instructions = typeof body.instructions === 'string' ? { instructions: body.instructions } : {};
  const text = JSON.stringify({ ...instructions, prompt });
  return text.replace(DATA_URL, '[image]');
}

function textOfAnswer(json: unknown, out: string[]): void {
  if (!isObj(json)) return;
  if (Array.isArray(json.choices)) {
    for (const c of json.choices) {
      if (!isObj(c)) continue;
      const part = isObj(c.delta) ? c.delta : isObj(c.message) ? c.message : undefined;
      if (part && typeof part.content === 'string') out.push(part.content);
      if (typeof c.text === 'string') out.push(c.text);
    }
    return;
  }
  // Responses: streamed deltas, or the whole answer's output items.
  if (json.type === 'response.output_text.delta' && typeof json.delta === 'string') {
    out.push(json.delta);
    return;
  }
  if (json.object === 'response' && Array.isArray(json.output)) {
    for (const item of json.output) {
      if (!isObj(item) || !Array.isArray(item.content)) continue;
      for (const c of item.content) if (isObj(c) && typeof c.text === 'string') out.push(c.text);
    }
  }
}

/** The generated text of an answer: a JSON body or an event stream's `data:` lines. */
export function completionText(contentType: string, raw: string): string {
  const out: string[] = [];
  if (contentType.startsWith('text/event-stream')) {
    for (const line of raw.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]' || data === '') continue;
      try {
        textOfAnswer(JSON.parse(data), out);
      } catch {
        // A line cut by the capture limit: the text so far stands.
      }
    }
    return out.join('');
  }
  try {
    textOfAnswer(JSON.parse(raw), out);
  } catch {
    return raw;
  }
  return out.length > 0 ? out.join('') : raw;
}
