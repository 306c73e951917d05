/**
 * The two images of the compression scenario, made by sharp: a 2560×1600 PNG of about 4 MB
 * (a flat screenshot with a photo-like noisy block, which PNG cannot shrink) and a noisy
 * 2400×1800 JPEG of about 2 MB, each wrapped in a chat request as a base64 data URL.
 */
import sharp, { type Sharp } from 'sharp';

/** One image request body and what it carries. */
export interface ImageCase {
  name: string;
  /** Bytes of the encoded image. */
  imageBytes: number;
  /** The chat request body (JSON text). */
  body: string;
}

const noise = (width: number, height: number): Sharp =>
  sharp({
    create: { width, height, channels: 3, background: '#6a8', noise: { type: 'gaussian', mean: 128, sigma: 30 } },
  });

function chatWithImage(model: string, mime: string, image: Buffer): string {
  return JSON.stringify({
    model,
    max_tokens: 16,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: `data:${mime};base64,${image.toString('base64')}`, detail: 'high' } },
        ],
      },
    ],
  });
}

/** Builds the PNG and JPEG cases for `model`. */
export async function imageCases(model: string): Promise<ImageCase[]> {
  const block = await noise(1130, 1130).png().toBuffer();
  const png = await sharp({ create: { width: 2560, height: 1600, channels: 3, background: '#eef' } })
    .composite([{ input: block, left: 200, top: 200 }])
    .png()
    .toBuffer();
  const jpeg = await noise(2400, 1800).jpeg({ quality: 85 }).toBuffer();
  return [
    {
      name: `PNG 2560×1600, ${(png.length / 1e6).toFixed(1)} MB`,
      imageBytes: png.length,
      body: chatWithImage(model, 'image/png', png),
    },
    {
      name: `JPEG 2400×1800, ${(jpeg.length / 1e6).toFixed(1)} MB`,
      imageBytes: jpeg.length,
      body: chatWithImage(model, 'image/jpeg', jpeg),
    },
  ];
}
