/**
 * The review's list of changes, field by field: each row names the field in words (as the form
 * labels it, items by their id or name), shows old → new in full with secrets masked, and keeps
 * the JSON pointer as a detail. Other parts of the review (warnings) sit beside this list.
 */
import { leafChanges, type Change } from '../config-diff.js';
import { config } from '../config-state.js';
import { h } from '../dom.js';
import { fieldPlace } from '../field-words.js';
import { changeItem } from '../components/change-item.js';
import { showValue } from '../secrets.js';

function changeRow(c: Change): HTMLElement {
  // A removed field is named from the stored config, where it still is.
  const root = c.kind === 'removed' ? config.original : config.draft;
  return changeItem(c.kind, fieldPlace(c.path, root), showValue(c.path, c.before), showValue(c.path, c.after), c.path);
}

/** The changes as a list, one row per field. */
export function changeList(changes: Change[]): HTMLElement {
  return h('ul', { class: 'changes' }, changes.flatMap(leafChanges).map(changeRow));
}
