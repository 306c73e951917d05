/**
 * A scan of a JSON body's bytes before it is parsed: how deep it nests, how many objects and arrays
 * and separators it holds, how many bytes sit inside strings, and its top-level keys. JSON.parse
 * has no depth limit and no size model: a 10 MB `[[[[…]]]]` becomes ~290 MB of heap (V8 spends
 * about 58 bytes per array), and three such bodies at once ran the proxy out of heap. The scan
 * refuses what no OpenAI request needs before a single object is built, and estimates what the
 * parsed body will keep on the heap (docs/hardening.md, "Request bodies").
 */
import { isAscii } from 'node:buffer';

/** Limits a body must stay within. */
export interface JsonShapeLimits {
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Objects and arrays in the whole body. */
  maxContainers: number;
  /** Keys of the top-level object. */
  maxTopLevelKeys: number;
  /** Fields and array items in the whole body (counted by their separators, `:` and `,`). */
  maxValues: number;
}

/**
 * Generous for any OpenAI-shaped request: a tool's JSON schema ten levels deep nests about 25
 * levels, a long conversation with images holds tens of thousands of objects, a request has a few
 * dozen top-level fields, and the largest arrays Azure accepts (embedding inputs as token arrays)
 * stop at 300,000 tokens a request. 200,000 empty objects are ~13 MB of heap, 2 million numbers
 * ~20 MB; 50 MiB of numbers without these limits keep 260 MB.
 */
export const DEFAULT_JSON_LIMITS: JsonShapeLimits = {
  maxDepth: 128,
  maxContainers: 200_000,
  maxTopLevelKeys: 1_000,
  maxValues: 2_000_000,
};

/** What the scan found; `refused` names the first limit passed (nothing else is then reliable). */
export type JsonShape =
  | {
      refused?: undefined;
      depth: number;
      containers: number;
      separators: number;
      stringBytes: number;
      ascii: boolean;
      duplicateKey?: string;
    }
  | { refused: 'depth' | 'containers' | 'topLevelKeys' | 'values' };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Index of the quote that ends the string opened at `open`, or -1 when it never ends. */
function stringEnd(buf: Buffer, open: number): number {
  let j = open + 1;
  for (;;) {
    j = buf.indexOf(QUOTE, j);
    if (j < 0) return -1;
    // A quote preceded by an odd number of backslashes is escaped.
    let k = j - 1;
    while (k > open && buf[k] === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j;
    j += 1;
  }
}

/** The text of the JSON string `buf[open..close]` (quotes included), escapes decoded. */
function keyText(buf: Buffer, open: number, close: number): string | undefined {
  // Only this string is searched (a search from `open` could run to the end of the body every time).
  if (!buf.subarray(open + 1, close).includes(BACKSLASH)) return buf.toString('utf8', open + 1, close);
  try {
    const decoded: unknown = JSON.parse(buf.toString('utf8', open, close + 1));
    return typeof decoded === 'string' ? decoded : undefined;
  } catch {
    // Malformed: JSON.parse of the whole body reports it.
    return undefined;
  }
}

/**
 * Scans `buf` (which need not be valid JSON: the parse that follows reports syntax errors).
 * Strings are skipped with a native search for the closing quote, so a body made mostly of a
 * base64 image costs little more than a memchr.
 */
export function scanJson(buf: Buffer, limits: JsonShapeLimits = DEFAULT_JSON_LIMITS): JsonShape {
  let depth = 0;
  let maxSeen = 0;
  let containers = 0;
  let separators = 0;
  let stringBytes = 0;
  let rootIsObject: boolean | undefined;
  let expectKey = false;
  let duplicateKey: string | undefined;
  const keys = new Set<string>();
  const n = buf.length;
  for (let i = 0; i < n; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      const end = stringEnd(buf, i);
      if (end < 0) break;
      stringBytes += end - i - 1;
      if (expectKey && depth === 1) {
        const key = keyText(buf, i, end);
        if (key !== undefined) {
          if (keys.has(key)) duplicateKey ??= key;
          else if (keys.size >= limits.maxTopLevelKeys) return { refused: 'topLevelKeys' };
          keys.add(key);
        }
      }
      expectKey = false;
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      rootIsObject ??= c === OPEN_OBJECT;
      depth += 1;
      containers += 1;
      if (depth > limits.maxDepth) return { refused: 'depth' };
      if (containers > limits.maxContainers) return { refused: 'containers' };
      if (depth > maxSeen) maxSeen = depth;
      expectKey = depth === 1 && c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth -= 1;
      expectKey = false;
    } else if (c === COMMA || c === COLON) {
      separators += 1;
      if (separators > limits.maxValues) return { refused: 'values' };
      expectKey = c === COMMA && depth === 1 && rootIsObject === true;
    }
  }
  return {
    depth: maxSeen,
    containers,
    separators,
    stringBytes,
    ascii: isAscii(buf),
    ...(duplicateKey !== undefined ? { duplicateKey } : {}),
  };
}

/** Heap bytes V8 spends per object or array, and per value or key, rounded up from measurements on Node 24. */
const BYTES_PER_CONTAINER = 64;
const BYTES_PER_SEPARATOR = 32;

/**
 * What the parsed body keeps on the heap, pessimistically: its strings (two bytes a character
 * unless the body is ASCII), its objects and arrays, and a slot for every value and key.
 */
export function retainedEstimate(shape: Extract<JsonShape, { refused?: undefined }>): number {
  return (
    shape.stringBytes * (shape.ascii ? 1 : 2) +
    shape.containers * BYTES_PER_CONTAINER +
    shape.separators * BYTES_PER_SEPARATOR
  );
}

/** What parsing needs at its peak: the retained body plus the source text it is parsed from. */
export function parseEstimate(shape: Extract<JsonShape, { refused?: undefined }>, bodyBytes: number): number {
  return retainedEstimate(shape) + bodyBytes * (shape.ascii ? 1 : 2);
}
