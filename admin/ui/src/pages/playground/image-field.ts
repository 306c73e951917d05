/** An image to send with the message: a file picker, then a preview with its size and dimensions. */
import { component, type Self } from '../../component.js';
import { h, type Child } from '../../dom.js';
import { bytes } from '../../format.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';

/** An attached image. */
export interface AttachedImage {
  file: File;
  dataUrl: string;
  width: number;
  height: number;
}

/** The attached image survives navigation and language switches. */
let attached: AttachedImage | undefined;

/** The attached image, if any. */
export function attachedImage(): AttachedImage | undefined {
  return attached;
}

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}

function dimensions(url: string): Promise<{ width: number; height: number }> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => resolve({ width: 0, height: 0 });
    img.src = url;
  });
}

function ImageBox(fileInput: HTMLInputElement, self: Self<{ image: AttachedImage | undefined }>): Child {
  const { image } = self.state;
  attached = image;
  if (!image) return h('label', { for: 'play-image', class: 'btn btn-secondary' }, icon('image', 16), t('play.attach'));
  const remove = () => {
    fileInput.value = '';
    self.set({ image: undefined });
  };
  return h(
    'div',
    { class: 'image-preview' },
    h('img', { src: image.dataUrl, alt: t('play.imageAlt', { name: image.file.name }), width: 96, height: 96 }),
    h(
      'div',
      null,
      h('strong', null, image.file.name),
      h(
        'div',
        { class: 'muted small' },
        `${bytes(image.file.size)} · ${image.width}×${image.height} · ${image.file.type}`,
      ),
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onClick: remove }, t('play.removeImage')),
    ),
  );
}

/** The file input (visually hidden; its label is the button) and the preview box. */
export function imageField(): [HTMLInputElement, HTMLElement] {
  const fileInput = h('input', {
    type: 'file',
    accept: 'image/png,image/jpeg,image/webp,image/gif',
    id: 'play-image',
    class: 'visually-hidden',
  });
  const box = component(h('div', { class: 'image-box' }), ImageBox, fileInput, { image: attached });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    void readFile(file).then(async (dataUrl) => box.set({ image: { file, dataUrl, ...(await dimensions(dataUrl)) } }));
  });
  return [fileInput, box.host];
}
