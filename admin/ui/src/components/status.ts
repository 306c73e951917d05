/** State labels: the text carries the meaning, the colour only repeats it. */
import { h } from '../dom.js';

/** A coloured state label. */
export function badge(text: string, tone: 'ok' | 'warn' | 'error' | 'muted' | 'info'): HTMLElement {
  return h('span', { class: `badge badge-${tone}` }, text);
}

/** A state dot + text. */
export function state(text: string, tone: 'ok' | 'warn' | 'error' | 'muted'): HTMLElement {
  return h('span', { class: `state state-${tone}` }, h('span', { class: 'dot', 'aria-hidden': 'true' }), text);
}
