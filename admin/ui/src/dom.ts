/**
 * Building the DOM without innerHTML: every text goes in as a text node, so nothing a server or a
 * user sends can become markup (and the CSP needs no 'unsafe-inline').
 */

/** What `h` accepts as children. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes and event handlers (`onClick`, `onInput`, …) of `h`. */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

/** Attribute values without handlers, for `setAttrs` on every redraw. */
export type AttrValues = Record<string, string | number | boolean | null | undefined>;

/** The nodes of `child`, flattened: strings and numbers become text nodes, empties vanish. */
export function nodes(child: Child, out: Node[] = []): Node[] {
  if (child === null || child === undefined || child === false) return out;
  if (Array.isArray(child)) {
    for (const c of child) nodes(c, out);
    return out;
  }
  out.push(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  return out;
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
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  el.append(...nodes(children));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  el.append(...nodes(children));
  return el;
}

/** Sets each attribute of `attrs` on `el`, removing those that are null, undefined or false (a redraw's host attributes). */
export function setAttrs(el: Element, attrs: AttrValues): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

let nextId = 0;

/** A unique id for label/field pairs. */
export function uid(prefix = 'f'): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** Whether an automatic refresh of `box` would disturb the user (focus inside, a section opened). */
export function busyWith(box: Element): boolean {
  return (
    box.contains(document.activeElement) ||
    box.querySelector('details[open]') !== null ||
    document.visibilityState !== 'visible'
  );
}

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
