/**
 * Reading an upstream answer whole (a JSON body, or an error being inspected or passed on), with
 * a size bound; transport failures while reading become the same 502/504 gateway errors as before
 * the headers.
 */
import { toGatewayError, type UpstreamExchange } from './call.js';

/** Largest JSON answer the proxy reads whole (a few images in b64_json fit easily). */
export const MAX_JSON_BODY_BYTES = 256 * 1024 * 1024;

/** The body of `exchange`, read whole (or as already read); transport failures become 502/504 errors. */
export async function readBody(exchange: UpstreamExchange, upstreamName = 'upstream'): Promise<Buffer> {
  if (exchange.buffered) return exchange.buffered;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of exchange.body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > MAX_JSON_BODY_BYTES) throw new Error(`answer larger than ${MAX_JSON_BODY_BYTES} bytes`);
      chunks.push(buf);
    }
  } catch (err) {
    throw toGatewayError(upstreamName, exchange.signal.aborted ? (exchange.signal.reason ?? err) : err);
  }
  return Buffer.concat(chunks, size);
}

/** The same exchange with its body already read, so whoever relays it does not read it again. */
export function bufferedExchange<E extends UpstreamExchange>(exchange: E, body: Buffer): E {
  return { ...exchange, buffered: body };
}
