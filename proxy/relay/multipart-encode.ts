/**
 * Writes the parts of a client's form as the multipart/form-data body sent upstream (RFC 7578),
 * with fields replaced where the gateway must (the deployment name in `model`). File bytes are
 * yielded as they are read, so the upload streams through.
 */
import { randomBytes } from 'node:crypto';
import type { FormPart } from './multipart-form.js';

const CRLF = '\r\n';

/** A fresh boundary that cannot occur in the parts by chance. */
export function newBoundary(): string {
  return `----foundry-gateway-${randomBytes(16).toString('hex')}`;
}

// The WHATWG form encoding escapes these in names and filenames; anything else is kept as is.
function quoted(value: string): string {
  return value.replaceAll('"', '%22').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function fieldHead(boundary: string, name: string): string {
  return `--${boundary}${CRLF}Content-Disposition: form-data; name="${quoted(name)}"${CRLF}${CRLF}`;
}

/** The parts `next()` yields, encoded; `overrides` replace (or add) text fields. */
export async function* encodeForm(
  next: () => Promise<FormPart | undefined>,
  boundary: string,
  overrides: Record<string, string>,
): AsyncGenerator<Buffer> {
  const written = new Set<string>();
  for (let part = await next(); part; part = await next()) {
    if (part.kind === 'field') {
      const value = overrides[part.name] ?? part.value;
      written.add(part.name);
      yield Buffer.from(`${fieldHead(boundary, part.name)}${value}${CRLF}`);
      continue;
    }
    const head = `--${boundary}${CRLF}Content-Disposition: form-data; name="${quoted(part.name)}"; filename="${quoted(part.filename)}"${CRLF}Content-Type: ${part.contentType}${CRLF}${CRLF}`;
    yield Buffer.from(head);
    for await (const chunk of part.stream) yield chunk as Buffer;
    yield Buffer.from(CRLF);
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (!written.has(name)) yield Buffer.from(`${fieldHead(boundary, name)}${value}${CRLF}`);
  }
  yield Buffer.from(`--${boundary}--${CRLF}`);
}
