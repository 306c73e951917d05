/** How the parts of the Models form ask for the form to be drawn again after changing the draft. */

/** Redraws the form, then runs `then` (to focus a field the redraw created). */
export type Redraw = (then?: () => void) => void;

/** Focuses the element `selector` finds under `root`, if any. */
export function focusIn(root: ParentNode, selector: string): () => void {
  return () => root.querySelector<HTMLElement>(selector)?.focus();
}
