/**
 * The error slot of a field or card: a live region listing the problems found in the browser
 * ("client", as the value is typed) and those the server reported ("server"). The field's
 * `invalid` class and its control's aria-invalid follow the slot.
 */
import { component, type Self } from '../component.js';
import { h, type Child } from '../dom.js';

interface Messages {
  client: string[];
  server: string[];
}

const slots = new WeakMap<Element, Self<Messages>>();

function ErrorMessages(_: null, self: Self<Messages>): Child {
  const { client, server } = self.state;
  const field = self.host.parentElement;
  const invalid = client.length + server.length > 0;
  // The first draw happens before the slot is placed in its field, with nothing to say.
  if (field) {
    field.classList.toggle('invalid', invalid);
    const path = field.getAttribute('data-path');
    const control =
      path === null ? null : field.querySelector(`:is(input, select, textarea)[data-path="${CSS.escape(path)}"]`);
    control?.setAttribute('aria-invalid', invalid ? 'true' : 'false');
  }
  return [
    client.map((m) => h('p', { class: 'error', 'data-kind': 'client' }, m)),
    server.map((m) => h('p', { class: 'error', 'data-kind': 'server' }, m)),
  ];
}

/** A new error slot, to be placed as a direct child of its field (or card). */
export function errorSlot(id?: string): HTMLElement {
  const self = component(h('div', { class: 'errors', id, 'aria-live': 'polite' }), ErrorMessages, null, {
    client: [],
    server: [],
  });
  slots.set(self.host, self);
  return self.host;
}

/** Shows `messages` of one kind in the error slot of `field`. */
export function setFieldErrors(field: Element, messages: string[], kind: 'client' | 'server' = 'client'): void {
  const slot = field.querySelector(':scope > .errors');
  const self = slot ? slots.get(slot) : undefined;
  if (kind === 'client') self?.set({ client: messages });
  else self?.set({ server: messages });
}
