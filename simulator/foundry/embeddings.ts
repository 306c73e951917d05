// POST …/embeddings: deterministic unit vectors (same input → same vector), `dimensions`
// honoured, and `encoding_format: "base64"` answered as OpenAI does: little-endian float32
// bytes in base64. The official SDK asks for base64 by default and decodes it itself.
import { createHash } from 'node:crypto';
import { errorReply, type SimCall, type SimReply } from './reply.js';
import { countWords } from './content.js';
import { invalidRequestError } from './errors.js';

/** Vector length when the request does not set `dimensions`. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

/** The vector the simulator returns for one input (a string or a token array). */
export function simEmbedding(input: string | number[], dimensions = DEFAULT_EMBEDDING_DIMENSIONS): number[] {
  // xorshift32 seeded from a hash of the input: cheap, deterministic, well spread.
  let state = createHash('sha256').update(JSON.stringify(input)).digest().readUInt32LE(0) || 1;
  const raw: number[] = [];
  for (let i = 0; i < dimensions; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    raw.push((state / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...raw) || 1;
  // Rounded to float32 so the float and base64 encodings carry exactly the same numbers.
  return raw.map((v) => Math.fround(v / norm));
}

function inputsOf(input: unknown): Array<string | number[]> | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((v) => typeof v === 'number')) return [input as number[]];
  if (input.every((v) => typeof v === 'string')) return input as string[];
  if (input.every((v) => Array.isArray(v) && v.every((n) => typeof n === 'number'))) return input as number[][];
  return undefined;
}

function base64Of(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}

/** Answers an embeddings call. */
export function embeddingsReply(call: SimCall): SimReply {
  const inputs = inputsOf(call.body.input);
  if (!inputs) return errorReply(invalidRequestError("'input' must be a non-empty string or array", 'input'));
  const dims = call.body.dimensions;
  if (dims !== undefined && (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1 || dims > 3072)) {
    return errorReply(invalidRequestError('dimensions must be an integer between 1 and 3072', 'dimensions'));
  }
  const base64 = call.body.encoding_format === 'base64';
  const tokens = inputs.reduce((n, i) => n + (typeof i === 'string' ? countWords(i) : i.length), 0);
  return {
    kind: 'json',
    status: 200,
    tokens,
    body: {
      object: 'list',
      data: inputs.map((input, index) => {
        const vector = simEmbedding(input, typeof dims === 'number' ? dims : DEFAULT_EMBEDDING_DIMENSIONS);
        return { object: 'embedding', index, embedding: base64 ? base64Of(vector) : vector };
      }),
      model: call.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}
