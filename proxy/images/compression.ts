// Recompresses inline images in request bodies before they are forwarded upstream.
//
// Large screenshots and photos are sent as base64 data URLs; models downscale them anyway
// (OpenAI: "high" detail fits the image in 2048×2048, then 768 px on the short side —
// https://platform.openai.com/docs/guides/images-vision#calculating-costs), so shrinking them here
// saves upload time and request-size limits without changing what the model sees. Anything we
// cannot handle safely (corrupt, SVG, animated, too many pixels) is forwarded byte-for-byte.
import { Semaphore } from '../../common/semaphore.js';
import { availableParallelism } from 'node:os';
import type { Sharp } from 'sharp';
import type { ImageCompressionSettings } from '../../common/config/schema.js';
import { findImageSites, replaceAtPaths, type ImageSite, type PathEdit } from './parts.js';

/** What `compressImagesInBody` did; byte counts are decoded image bytes, not base64 characters. */
export interface ImageCompressionResult {
  body: unknown;
  imagesSeen: number;
  imagesCompressed: number;
  bytesBefore: number;
  bytesAfter: number;
  bytesSaved: number;
}

/** Per-call knobs; tests pass their own gate to observe concurrency. */
export interface ImageCompressionOptions {
  semaphore?: Semaphore;
}

// Decompression-bomb guard: a 100 MP image decodes to ~400 MB of RGBA; sharp rejects larger
// inputs before allocating (https://sharp.pixelplumbing.com/api-constructor#parameters).
const MAX_INPUT_PIXELS = 100_000_000;

// libvips caches recent operations (default 50 MB) to speed up repeated work on the same file.
// A proxy sees each image once, so the cache only pins memory; sharp is used nowhere else here.
// We leave sharp.concurrency() (libvips threads per image) at its default: it is process-global,
// and the gate below already caps how many images are processed at once, which is what bounds
// memory; sharp's own jobs also queue on the libuv pool (UV_THREADPOOL_SIZE, default 4).
// sharp (libvips, ~20 MB resident) is loaded on the first image, not at start: many gateways
// never see one.
let sharpLoading: Promise<typeof import('sharp')> | undefined;
function loadSharp(): Promise<typeof import('sharp')> {
  sharpLoading ??= import('sharp').then((m) => {
    m.default.cache(false);
    return m;
  });
  return sharpLoading;
}

// One gate per process: a burst of requests carrying large images queues here instead of
// decoding dozens of images at once.
const defaultGate = new Semaphore(availableParallelism());

/** The process's image gate, for observing how many images are being recompressed or waiting. */
export function imageCompressionGate(): Semaphore {
  return defaultGate;
}

/** Sets how many images the process recompresses at once (default: os.availableParallelism()). */
export function setImageCompressionConcurrency(limit: number): void {
  defaultGate.setLimit(limit);
}

/**
 * Cheap pre-check so text-only requests skip the walk: a raw body (string or Buffer) is searched for
 * the two markers, a parsed body is walked until the first image field.
 */
export function bodyMayContainImages(body: unknown): boolean {
  // `data:image\/` covers encoders that escape slashes (PHP's json_encode does by default).
  if (typeof body === 'string')
    return body.includes('data:image/') || body.includes('data:image\\/') || body.includes('image_base64');
  if (Buffer.isBuffer(body))
    return body.includes('data:image/') || body.includes('data:image\\/') || body.includes('image_base64');
  return findImageSites(body, 1).length > 0;
}

type OutFormat = 'jpeg' | 'webp' | 'png' | 'gif';

// Magic numbers decide what we decode; the data URL's declared type is only a first filter.
// These four are what OpenAI vision accepts; others (SVG, TIFF, HEIF, …) pass through untouched.
function sniff(buf: Buffer): OutFormat | undefined {
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47 && buf.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 6 && (buf.toString('latin1', 0, 6) === 'GIF87a' || buf.toString('latin1', 0, 6) === 'GIF89a'))
    return 'gif';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  return undefined;
}

const DECODABLE_MIME = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/pjpeg', 'image/webp', 'image/gif']);
const MIME: Record<OutFormat, string> = { jpeg: 'image/jpeg', webp: 'image/webp', png: 'image/png', gif: 'image/gif' };

/** Where the base64 payload starts, or undefined for data URLs we will not touch. */
function dataUrlPayloadStart(url: string): number | undefined {
  const comma = url.indexOf(',');
  if (comma < 0 || comma > 256) return undefined;
  const params = url.slice(5, comma).toLowerCase().split(';');
  // Only base64 data URLs: percent-encoded ones are rare for images and would need re-escaping.
  if (params[params.length - 1] !== 'base64') return undefined;
  return DECODABLE_MIME.has(params[0] ?? '') ? comma + 1 : undefined;
}

/** Decoded size of a base64 run without decoding it, so small images cost no allocation. */
function decodedLength(text: string, start: number): number {
  let end = text.length;
  while (end > start && text.charCodeAt(end - 1) === 0x3d /* = */) end--;
  return Math.floor(((end - start) * 3) / 4);
}

/** Picks the output container; transparency never goes to JPEG, which has no alpha. */
function chooseFormat(wanted: ImageCompressionSettings['format'] | OutFormat, transparent: boolean): OutFormat {
  if (!transparent) return wanted === 'auto' ? 'jpeg' : wanted;
  if (wanted === 'png' || wanted === 'gif') return wanted;
  return 'webp';
}

/** True if any alpha sample (the last channel of interleaved 8-bit pixels) is below opaque. */
function hasTransparency(pixels: Buffer, channels: number): boolean {
  for (let i = channels - 1; i < pixels.length; i += channels) if ((pixels[i] as number) < 255) return true;
  return false;
}

function encode(pipeline: Sharp, format: OutFormat, quality: number): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality });
    case 'webp':
      return pipeline.webp({ quality });
    // PNG stays lossless: sharp's PNG `quality` means 256-colour quantisation, which smears the
    // text in screenshots the model has to read. The resize is where PNG saves bytes.
    case 'png':
      return pipeline.png({ compressionLevel: 9 });
    case 'gif':
      return pipeline.gif();
  }
}

/**
 * Re-encodes one image, or returns undefined when it must be forwarded as is.
 * `keep` forces the output container (for raw base64, which has no MIME type to update).
 */
async function recompress(
  input: Buffer,
  settings: ImageCompressionSettings,
  keep?: OutFormat,
): Promise<{ data: Buffer; format: OutFormat } | undefined> {
  if (!sniff(input)) return undefined;
  const sharp = (await loadSharp()).default;
  // limitInputPixels makes the pipeline throw on a bomb before allocating its pixels; the catch
  // in processSite then forwards the image unchanged.
  const meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  // Re-encoding an animation keeps only its first frame; that changes the content, so skip.
  if ((meta.pages ?? 1) > 1) return undefined;
  const quality = Math.min(100, Math.max(1, Math.round(settings.quality * 100)));
  const resized = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, sequentialRead: true })
    .autoOrient() // apply EXIF orientation: the output carries no EXIF to rotate it later
    .resize({ width: settings.maxSize, height: settings.maxSize, fit: 'inside', withoutEnlargement: true });
  let pipeline: Sharp;
  let format: OutFormat;
  if (!meta.hasAlpha) {
    format = chooseFormat(keep ?? settings.format, false);
    pipeline = resized;
  } else {
    // Screenshots are often RGBA with every pixel opaque; those may still become JPEG. Deciding
    // needs the alpha samples. stats() would decode the full-size image a second time (~4x the
    // cost of the resize here), so decode once to resized raw pixels, scan alpha, encode those.
    const { data, info } = await resized.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const transparent = (info.channels === 2 || info.channels === 4) && hasTransparency(data, info.channels);
    format = chooseFormat(keep ?? settings.format, transparent);
    pipeline = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    if (!transparent) pipeline = pipeline.removeAlpha();
  }
  const data = await encode(pipeline, format, quality).toBuffer();
  // Never forward a bigger image than the client sent.
  return data.length < input.length ? { data, format } : undefined;
}

interface SiteOutcome {
  value: string;
  before: number;
  after: number;
  compressed: boolean;
}

async function processSite(site: ImageSite, settings: ImageCompressionSettings, gate: Semaphore): Promise<SiteOutcome> {
  const start = site.kind === 'data-url' ? dataUrlPayloadStart(site.value) : 0;
  const estimate = decodedLength(site.value, start ?? 0);
  const unchanged: SiteOutcome = { value: site.value, before: estimate, after: estimate, compressed: false };
  if (start === undefined || estimate < settings.thresholdBytes) return unchanged;
  // The decode sits inside the gate too, so queued requests hold base64 text, not decoded copies.
  return gate.run(async () => {
    try {
      const input = Buffer.from(site.value.slice(start), 'base64');
      const keep = site.kind === 'raw-base64' ? sniff(input) : undefined;
      const result = await recompress(input, settings, keep);
      if (!result) return { ...unchanged, before: input.length, after: input.length };
      const base64 = result.data.toString('base64');
      const value = site.kind === 'data-url' ? `data:${MIME[result.format]};base64,${base64}` : base64;
      return { value, before: input.length, after: result.data.length, compressed: true };
    } catch {
      // Corrupt or unsupported input: sharp rejects it, the client's bytes go upstream untouched
      // and the upstream returns its own error if it cannot read them either.
      return unchanged;
    }
  });
}

/**
 * Returns `body` with every inline image at or above `thresholdBytes` resized to `maxSize` and
 * re-encoded; the input is not mutated and only the containers on changed paths are copied.
 */
export async function compressImagesInBody(
  body: unknown,
  settings: ImageCompressionSettings,
  options: ImageCompressionOptions = {},
): Promise<ImageCompressionResult> {
  const sites = settings.enabled ? findImageSites(body) : [];
  if (sites.length === 0)
    return { body, imagesSeen: 0, imagesCompressed: 0, bytesBefore: 0, bytesAfter: 0, bytesSaved: 0 };
  const gate = options.semaphore ?? defaultGate;
  // Clients resending a conversation repeat the same image; compress each distinct one once.
  // Keyed per kind so the multi-megabyte strings are used as keys as they are, not concatenated.
  const seen: Record<ImageSite['kind'], Map<string, Promise<SiteOutcome>>> = {
    'data-url': new Map(),
    'raw-base64': new Map(),
  };
  const outcomes = await Promise.all(
    sites.map((site) => {
      let outcome = seen[site.kind].get(site.value);
      if (!outcome) {
        outcome = processSite(site, settings, gate);
        seen[site.kind].set(site.value, outcome);
      }
      return outcome;
    }),
  );
  const edits: PathEdit[] = [];
  let imagesCompressed = 0;
  let bytesBefore = 0;
  let bytesAfter = 0;
  outcomes.forEach((outcome, i) => {
    bytesBefore += outcome.before;
    bytesAfter += outcome.after;
    if (!outcome.compressed) return;
    imagesCompressed++;
    edits.push({ path: (sites[i] as ImageSite).path, value: outcome.value });
  });
  return {
    body: replaceAtPaths(body, edits),
    imagesSeen: sites.length,
    imagesCompressed,
    bytesBefore,
    bytesAfter,
    bytesSaved: bytesBefore - bytesAfter,
  };
}

export { Semaphore };
