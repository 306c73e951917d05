// Inline image recompression: every shape the gateway forwards, and every reason to leave an image alone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import sharp, { type Sharp } from 'sharp';
import type { ImageCompressionSettings } from '../../common/config/schema.js';
import { Semaphore, bodyMayContainImages, compressImagesInBody } from '../../proxy/images/compression.js';

const settings = (over: Partial<ImageCompressionSettings> = {}): ImageCompressionSettings => ({
  enabled: true,
  maxSize: 1600,
  quality: 0.85,
  format: 'jpeg',
  thresholdBytes: 262_144,
  ...over,
});
const dataUrl = (mime: string, bytes: Buffer): string => `data:${mime};base64,${bytes.toString('base64')}`;
const noise = (width: number, height: number, channels: 3 | 4 = 3, background = '#6a8'): Sharp =>
  sharp({ create: { width, height, channels, background, noise: { type: 'gaussian', mean: 128, sigma: 30 } } });

/** Follows `path` through parsed JSON, failing the test if a step is missing. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let node = value;
  for (const step of path) {
    assert.ok(typeof node === 'object' && node !== null, `no container at ${String(step)}`);
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}
function str(value: unknown): string {
  assert.equal(typeof value, 'string');
  return value as string;
}
function decodeDataUrl(url: string): { mime: string; bytes: Buffer } {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  assert.ok(m, `not a base64 data URL: ${url.slice(0, 40)}`);
  return { mime: m[1] as string, bytes: Buffer.from(m[2] as string, 'base64') };
}

// Fixtures are built by sharp itself: a 3000×2000 PNG (flat with a noisy block, a few MB like a
// screenshot with a photo in it), a noisy 3000×2000 JPEG whose EXIF says "rotate 90°", a PNG with
// real (noisy) transparency, an RGBA PNG whose alpha is all opaque, and a tiny PNG.
const bigPng = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#eef' } })
  .composite([{ input: await noise(1100, 1100).png().toBuffer(), left: 200, top: 300 }])
  .png()
  .toBuffer();
const rotatedJpeg = await noise(3000, 2000).withMetadata({ orientation: 6 }).jpeg({ quality: 85 }).toBuffer();
const transparentPng = await noise(1700, 500, 4).png().toBuffer();
const opaqueRgbaPng = await noise(1800, 1000).ensureAlpha(1).png().toBuffer();
const tinyPng = await noise(32, 32).png().toBuffer();

test('fixtures are what the tests assume', async () => {
  assert.ok(bigPng.length > 2_000_000 && rotatedJpeg.length > 2_000_000, `${bigPng.length} ${rotatedJpeg.length}`);
  assert.equal((await sharp(rotatedJpeg).metadata()).orientation, 6);
  assert.equal((await sharp(transparentPng).stats()).isOpaque, false);
  assert.equal((await sharp(opaqueRgbaPng).metadata()).hasAlpha, true);
  assert.ok(tinyPng.length < 262_144);
});

test('chat image_url part is resized to maxSize, re-encoded and its mime updated', async () => {
  const body = {
    model: 'gpt-4o',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this' },
          { type: 'image_url', image_url: { url: dataUrl('image/png', bigPng), detail: 'high' } },
        ],
      },
    ],
  };
  const result = await compressImagesInBody(body, settings());
  const { mime, bytes } = decodeDataUrl(str(at(result.body, 'messages', 0, 'content', 1, 'image_url', 'url')));
  const meta = await sharp(bytes).metadata();
  assert.equal(mime, 'image/jpeg');
  assert.equal(meta.format, 'jpeg');
  assert.deepEqual([meta.width, meta.height], [1600, 1067]);
  assert.equal(at(result.body, 'messages', 0, 'content', 1, 'image_url', 'detail'), 'high');
  assert.deepEqual(
    { ...result, body: null },
    {
      body: null,
      imagesSeen: 1,
      imagesCompressed: 1,
      bytesBefore: bigPng.length,
      bytesAfter: bytes.length,
      bytesSaved: bigPng.length - bytes.length,
    },
  );
  assert.ok(bytes.length < bigPng.length);
});

test('chat image_url in its plain-string form is handled', async () => {
  const body = {
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: dataUrl('image/png', bigPng) }] }],
  };
  const result = await compressImagesInBody(body, settings({ format: 'webp' }));
  const { mime, bytes } = decodeDataUrl(str(at(result.body, 'messages', 0, 'content', 0, 'image_url')));
  assert.equal(mime, 'image/webp');
  assert.equal((await sharp(bytes).metadata()).format, 'webp');
});

test('Responses input: direct input_image, role message content and type:message items', async () => {
  const body = {
    model: 'gpt-4.1',
    input: [
      { type: 'input_image', image_url: dataUrl('image/png', bigPng) },
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'compare' },
          { type: 'input_image', image_url: dataUrl('image/jpeg', rotatedJpeg) },
        ],
      },
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_image', image_url: dataUrl('image/png', opaqueRgbaPng), detail: 'auto' }],
      },
    ],
  };
  const result = await compressImagesInBody(body, settings());
  assert.equal(result.imagesSeen, 3);
  assert.equal(result.imagesCompressed, 3);
  for (const path of [[0], [1, 'content', 1], [2, 'content', 0]]) {
    const { mime, bytes } = decodeDataUrl(str(at(result.body, 'input', ...path, 'image_url')));
    assert.equal(mime, 'image/jpeg');
    const meta = await sharp(bytes).metadata();
    assert.ok(
      Math.max(meta.width ?? Infinity, meta.height ?? Infinity) <= 1600,
      `${path.join('.')}: ${meta.width}x${meta.height}`,
    );
  }
  assert.equal(at(result.body, 'input', 1, 'content', 0, 'text'), 'compare');
  assert.equal(result.bytesBefore, bigPng.length + rotatedJpeg.length + opaqueRgbaPng.length);
  assert.equal(result.bytesSaved, result.bytesBefore - result.bytesAfter);
  const plain = { input: 'describe a cat' };
  assert.equal((await compressImagesInBody(plain, settings())).body, plain);
});

test('image_base64 anywhere in the body stays raw base64 in its own container format', async () => {
  const body = { prompt: 'edit', extra: { images: [{ image_base64: bigPng.toString('base64') }] } };
  const result = await compressImagesInBody(body, settings({ format: 'jpeg' }));
  const out = str(at(result.body, 'extra', 'images', 0, 'image_base64'));
  assert.ok(!out.startsWith('data:'));
  const meta = await sharp(Buffer.from(out, 'base64')).metadata();
  // No MIME type travels with raw base64, so the receiver would not learn of a switch to JPEG.
  assert.equal(meta.format, 'png');
  assert.deepEqual([meta.width, meta.height], [1600, 1067]);
  assert.equal(result.imagesCompressed, 1);
});

test('EXIF orientation is applied before resizing', async () => {
  const result = await compressImagesInBody({ image_url: dataUrl('image/jpeg', rotatedJpeg) }, settings());
  const meta = await sharp(decodeDataUrl(str(at(result.body, 'image_url'))).bytes).metadata();
  assert.deepEqual([meta.width, meta.height], [1067, 1600]);
  assert.equal(meta.orientation, undefined);
});

test('a PNG with real transparency never becomes JPEG and keeps its alpha', async () => {
  for (const [format, expected] of [
    ['jpeg', 'webp'],
    ['auto', 'webp'],
    ['webp', 'webp'],
    ['png', 'png'],
  ] as const) {
    const result = await compressImagesInBody(
      { image_url: { url: dataUrl('image/png', transparentPng) } },
      settings({ format }),
    );
    const { mime, bytes } = decodeDataUrl(str(at(result.body, 'image_url', 'url')));
    assert.equal(mime, `image/${expected}`, format);
    const meta = await sharp(bytes).metadata();
    assert.equal(meta.format, expected);
    assert.equal(meta.hasAlpha, true, format);
    assert.equal((await sharp(bytes).stats()).isOpaque, false, format);
    assert.ok(Math.max(meta.width ?? Infinity, meta.height ?? Infinity) <= 1600);
  }
});

test('an alpha channel that is fully opaque does not block JPEG and is dropped', async () => {
  const result = await compressImagesInBody(
    { image_url: dataUrl('image/png', opaqueRgbaPng) },
    settings({ format: 'auto' }),
  );
  assert.equal(decodeDataUrl(str(at(result.body, 'image_url'))).mime, 'image/jpeg');
  const asPng = await compressImagesInBody(
    { image_url: dataUrl('image/png', opaqueRgbaPng) },
    settings({ format: 'png' }),
  );
  assert.equal((await sharp(decodeDataUrl(str(at(asPng.body, 'image_url'))).bytes).metadata()).hasAlpha, false);
});

test('images below thresholdBytes are forwarded byte-identical', async () => {
  const url = dataUrl('image/png', tinyPng);
  const body = { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] };
  const result = await compressImagesInBody(body, settings());
  assert.equal(result.body, body);
  assert.equal(at(result.body, 'messages', 0, 'content', 0, 'image_url', 'url'), url);
  assert.deepEqual(
    { ...result, body: null },
    {
      body: null,
      imagesSeen: 1,
      imagesCompressed: 0,
      bytesBefore: tinyPng.length,
      bytesAfter: tinyPng.length,
      bytesSaved: 0,
    },
  );
});

test('corrupt, garbage, SVG and non-base64 images are forwarded unchanged without throwing', async () => {
  // sharp would happily rasterise SVG; only the magic-number check keeps a mislabelled one intact.
  const truncatedPng = Buffer.concat([bigPng.subarray(0, 64), randomBytes(300_000)]);
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"><rect width="4000" height="4000"/>${' '.repeat(300_000)}</svg>`,
  );
  const body = {
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: dataUrl('image/png', truncatedPng) } },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${'!@#$ not base64 '.repeat(30_000)}` } },
          { type: 'image_url', image_url: { url: dataUrl('image/svg+xml', svg) } },
          { type: 'image_url', image_url: { url: `data:image/png,${'%89PNG'.repeat(60_000)}` } },
          { type: 'image_url', image_url: { url: dataUrl('image/png', svg) } },
        ],
      },
    ],
    image_base64: randomBytes(300_000).toString('base64'),
    extra: { image_base64: svg.toString('base64') },
  };
  const before = structuredClone(body);
  const result = await compressImagesInBody(body, settings({ thresholdBytes: 0 }));
  assert.deepEqual(result.body, before);
  assert.equal(result.imagesSeen, 7);
  assert.equal(result.imagesCompressed, 0);
  assert.equal(result.bytesSaved, 0);
});

test('animated GIFs are left alone: recompressing would keep only the first frame', async () => {
  const frame = (background: string) => noise(200, 150, 3, background).png().toBuffer();
  const gif = await sharp([await frame('#f00'), await frame('#0f0')], { join: { animated: true } })
    .gif()
    .toBuffer();
  assert.equal((await sharp(gif).metadata()).pages, 2);
  const url = dataUrl('image/gif', gif);
  const result = await compressImagesInBody({ image_url: url }, settings({ thresholdBytes: 0, maxSize: 64 }));
  assert.equal(at(result.body, 'image_url'), url);
  assert.equal(result.imagesCompressed, 0);
});

test('an image whose re-encoding would be larger is kept as sent', async () => {
  const lowQuality = await noise(1200, 900).jpeg({ quality: 30 }).toBuffer();
  const url = dataUrl('image/jpeg', lowQuality);
  const result = await compressImagesInBody({ image_url: url }, settings({ thresholdBytes: 0, quality: 0.95 }));
  assert.equal(at(result.body, 'image_url'), url);
  assert.equal(result.bytesAfter, lowQuality.length);
});

test('property: no image ever comes out larger or bigger than maxSize', async () => {
  const formats = ['jpeg', 'webp', 'png', 'auto'] as const;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 8, max: 300 }),
      fc.integer({ min: 8, max: 300 }),
      fc.integer({ min: 16, max: 200 }),
      fc.double({ min: 0.05, max: 1, noNaN: true }),
      fc.constantFrom(...formats),
      fc.boolean(),
      fc.integer({ min: 10, max: 100 }),
      async (width, height, maxSize, quality, format, alpha, sourceQuality) => {
        const source = await (
          alpha ? noise(width, height, 4).png() : noise(width, height).jpeg({ quality: sourceQuality })
        ).toBuffer();
        // Declared as PNG either way: the bytes, not the claimed type, decide how it is decoded.
        const result = await compressImagesInBody(
          { image_url: dataUrl('image/png', source) },
          settings({ thresholdBytes: 0, maxSize, quality, format }),
        );
        const { bytes } = decodeDataUrl(str(at(result.body, 'image_url')));
        assert.ok(bytes.length <= source.length);
        if (result.imagesCompressed === 1) {
          const meta = await sharp(bytes).metadata();
          assert.ok(Math.max(meta.width ?? Infinity, meta.height ?? Infinity) <= maxSize);
        }
      },
    ),
    { numRuns: 25 },
  );
});

test('the input body is not mutated and untouched subtrees are shared', async () => {
  const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }];
  const body = {
    tools,
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl('image/png', bigPng) } }] },
    ],
  };
  const before = structuredClone(body);
  const result = await compressImagesInBody(body, settings());
  assert.deepEqual(body, before);
  assert.notEqual(result.body, body);
  assert.equal(at(result.body, 'tools'), tools);
  assert.equal(at(result.body, 'messages', 0), body.messages[0]);
  assert.notEqual(at(result.body, 'messages', 1), body.messages[1]);
});

test('the same image repeated in a conversation is replaced at every site', async () => {
  const url = dataUrl('image/png', bigPng);
  const body = { messages: [1, 2].map(() => ({ role: 'user', content: [{ type: 'image_url', image_url: { url } }] })) };
  const result = await compressImagesInBody(body, settings());
  const first = str(at(result.body, 'messages', 0, 'content', 0, 'image_url', 'url'));
  assert.notEqual(first, url);
  assert.equal(at(result.body, 'messages', 1, 'content', 0, 'image_url', 'url'), first);
  assert.equal(result.imagesCompressed, 2);
  assert.equal(result.bytesBefore, 2 * bigPng.length);
});

test('an image over the 100-megapixel limit is left unchanged', async () => {
  // 110 MP is under sharp's own default limit (268 MP), so only our tighter limit stops it.
  const bomb = await sharp({ create: { width: 11_000, height: 10_000, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
  const url = dataUrl('image/png', bomb);
  const result = await compressImagesInBody({ image_url: url }, settings({ thresholdBytes: 0 }));
  assert.equal(at(result.body, 'image_url'), url);
  assert.equal(result.imagesCompressed, 0);
});

test('the semaphore caps how many images are processed at once', async () => {
  const images = await Promise.all(
    ['#100', '#200', '#300', '#400', '#500', '#600'].map((bg) => noise(600, 400, 3, bg).png().toBuffer()),
  );
  const gate = new Semaphore(2);
  const body = { input: images.map((img) => ({ type: 'input_image', image_url: dataUrl('image/png', img) })) };
  const result = await compressImagesInBody(body, settings({ thresholdBytes: 0, maxSize: 300 }), { semaphore: gate });
  assert.equal(result.imagesCompressed, 6);
  assert.equal(gate.peak, 2);
  assert.equal(gate.active, 0);
});

test('disabled compression returns the very same body', async () => {
  const body = {
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl('image/png', bigPng) } }] }],
  };
  const result = await compressImagesInBody(body, settings({ enabled: false }));
  assert.equal(result.body, body);
  assert.deepEqual(
    { ...result, body: null },
    { body: null, imagesSeen: 0, imagesCompressed: 0, bytesBefore: 0, bytesAfter: 0, bytesSaved: 0 },
  );
});

test('bodyMayContainImages: raw text, buffers and parsed bodies', () => {
  assert.equal(bodyMayContainImages('{"messages":[{"role":"user","content":"hi"}]}'), false);
  assert.equal(bodyMayContainImages('{"image_url":"data:image/png;base64,AAAA"}'), true);
  assert.equal(bodyMayContainImages('{"image_url":"data:image\\/png;base64,AAAA"}'), true);
  assert.equal(bodyMayContainImages(Buffer.from('{"image_base64":"AAAA"}')), true);
  assert.equal(bodyMayContainImages(Buffer.from('{"prompt":"a cat"}')), false);
  assert.equal(bodyMayContainImages({ messages: [{ role: 'user', content: 'hi' }] }), false);
  assert.equal(
    bodyMayContainImages({
      input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'DATA:image/png;base64,AAAA' }] }],
    }),
    true,
  );
  assert.equal(bodyMayContainImages({ a: { b: [{ image_base64: 'AAAA' }] } }), true);
  // A data URL pasted as text is part of the prompt, not an image to rewrite.
  assert.equal(
    bodyMayContainImages({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'data:image/png;base64,AAAA' }] }],
    }),
    false,
  );
  assert.equal(bodyMayContainImages({ image_url: 'https://example.com/cat.png' }), false);
});
