/** A small text button acting on one item of a list (edit, rotate, revoke, delete), named for that item. */
import { h } from '../dom.js';

/** The button `text`, read out as `label` ("Edit key alice"); `danger` for destructive actions. */
export function rowButton(text: string, label: string, onClick: () => void, danger = false): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', class: `btn btn-ghost btn-sm${danger ? ' btn-danger-text' : ''}`, 'aria-label': label, onClick },
    text,
  );
}
