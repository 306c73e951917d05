/**
 * Building the DOM without innerHTML: every text goes in as a text node, so nothing a server or a
 * user sends can become markup (and the CSP needs no 'unsafe-inline').
 */

/** What `h` accepts as children. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes and event handlers (`onClick`, `onInput`, …) of `h`. */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
    return;
  }
  parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
}

function applyAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (name === 'checked' && el instanceof HTMLInputElement) {
      el.checked = value === true;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

/** An HTML element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces the children of `el`. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A unique id for label/field pairs. */
let nextId = 0;
export function uid(prefix = 'f'): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A small inline icon from the sprite-free set below (decorative: aria-hidden). */
export function icon(name: keyof typeof ICONS, size = 18): SVGSVGElement {
  return s(
    'svg',
    { class: 'icon', width: size, height: size, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' },
    ...ICONS[name].map((d) => s('path', { d })),
  );
}

// Simple 24×24 stroke icons (drawn for this UI).
const ICONS = {
  overview: ['M3 13h8V3H3z', 'M13 21h8V11h-8z', 'M3 21h8v-6H3z', 'M13 9h8V3h-8z'],
  usage: ['M4 20V10', 'M10 20V4', 'M16 20v-7', 'M22 20H2'],
  models: ['M12 2l9 5-9 5-9-5z', 'M3 12l9 5 9-5', 'M3 17l9 5 9-5'],
  keys: ['M15 7a4 4 0 1 1-3.9 4.9L3 20v-3h3v-3h3l1.1-1.1A4 4 0 0 1 15 7z'],
  domain: ['M7 11V7a5 5 0 0 1 10 0v4', 'M5 11h14v10H5z', 'M12 15v2'],
  logs: ['M4 5h16', 'M4 10h16', 'M4 15h10', 'M4 20h7'],
  playground: ['M5 3l14 9-14 9z'],
  settings: ['M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z', 'M12 2v3', 'M12 19v3', 'M2 12h3', 'M19 12h3', 'M4.9 4.9l2.1 2.1', 'M17 17l2.1 2.1', 'M4.9 19.1L7 17', 'M17 7l2.1-2.1'],
  menu: ['M3 6h18', 'M3 12h18', 'M3 18h18'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  check: ['M4 12l5 5L20 6'],
  alert: ['M12 3l10 18H2z', 'M12 10v4', 'M12 17v.5'],
  refresh: ['M20 11a8 8 0 1 0-2.3 5.7', 'M20 4v7h-7'],
  download: ['M12 3v12', 'M7 10l5 5 5-5', 'M4 21h16'],
  plus: ['M12 5v14', 'M5 12h14'],
  trash: ['M4 7h16', 'M10 11v6', 'M14 11v6', 'M6 7l1 13h10l1-13', 'M9 7V4h6v3'],
  image: ['M3 5h18v14H3z', 'M3 16l5-5 4 4 3-3 6 6', 'M15.5 9.5a1 1 0 1 0 0-.01'],
  send: ['M3 11l18-8-8 18-2-8z'],
  globe: ['M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20z', 'M2 12h20', 'M12 2a15 15 0 0 1 0 20', 'M12 2a15 15 0 0 0 0 20'],
} as const;

/** Announces `text` to screen readers through the shell's live region. */
export function announce(text: string): void {
  const region = document.getElementById('live');
  if (!region) return;
  region.textContent = '';
  // A fresh text node in a separate task is what makes every screen reader read it again.
  setTimeout(() => {
    region.textContent = text;
  }, 30);
}

/** Downloads `text` as a file named `name`. */
export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
