// POST …/images/generations: `{created, data:[{b64_json, revised_prompt}], usage}` with a real,
// decodable PNG, so that code which inspects or recompresses images (sharp) can run on it.
import { crc32, deflateSync } from 'node:zlib';
import { countWords, nowSeconds, safeOutputFilter, safePromptFilter } from './content.js';
import type { SimCall, SimReply } from './reply.js';

const SIDE = 8;

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** Builds an 8×8 RGBA gradient PNG (PNG spec: signature, IHDR, one zlib IDAT, IEND). */
function buildPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIDE, 0);
  header.writeUInt32BE(SIDE, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // colour type RGBA
  // bytes 10–12: compression, filter, interlace methods, all 0
  const rows: Buffer[] = [];
  for (let y = 0; y < SIDE; y += 1) {
    const row = Buffer.alloc(1 + SIDE * 4); // leading 0 = filter type None
    for (let x = 0; x < SIDE; x += 1) row.set([x * 32, y * 32, 128, 255], 1 + x * 4);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The PNG every generated image is (8×8 pixels). */
export const SIM_PNG: Buffer = buildPng();

/** Answers an image-generation call with `n` copies of SIM_PNG as base64. */
export function imagesReply(call: SimCall): SimReply {
  const prompt = typeof call.body.prompt === 'string' ? call.body.prompt : '';
  const n = typeof call.body.n === 'number' ? Math.min(10, Math.max(1, Math.floor(call.body.n))) : 1;
  const b64 = SIM_PNG.toString('base64');
  const textTokens = countWords(prompt);
  // gpt-image-1 reports usage like this; the image "costs" a fixed 256 tokens.
  const outputTokens = 256 * n;
  return {
    kind: 'json',
    status: 200,
    tokens: textTokens + outputTokens,
    body: {
      created: nowSeconds(),
      data: Array.from({ length: n }, () => ({
        b64_json: b64,
        content_filter_results: safeOutputFilter(),
        prompt_filter_results: safePromptFilter(),
        revised_prompt: prompt,
      })),
      usage: {
        input_tokens: textTokens,
        input_tokens_details: { image_tokens: 0, text_tokens: textTokens },
        output_tokens: outputTokens,
        total_tokens: textTokens + outputTokens,
      },
    },
  };
}

/** Answers an image edit or variation (multipart): it needs an `image` file, then answers like a generation. */
export function imageUploadReply(call: SimCall): SimReply {
  if (!call.files?.some((f) => f.field === 'image' || f.field === 'image[]')) {
    return {
      kind: 'json',
      status: 400,
      tokens: 0,
      body: {
        error: { message: "'image' is a required property", type: 'invalid_request_error', param: 'image', code: null },
      },
    };
  }
  return imagesReply(call);
}
