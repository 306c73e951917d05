/** A select whose choices change (filters filled from the data): it keeps the choice while it exists. */
import { component, type Self } from '../component.js';
import { h, type Child } from '../dom.js';
import type { Choice } from '../form/field-values.js';

interface ChoicesState {
  choices: Choice[];
  value: string;
}

function Choices(first: Choice | undefined, self: Self<ChoicesState, HTMLSelectElement>): Child {
  const { choices, value } = self.state;
  // The select's value can be set only once its options are in place.
  self.after(() => {
    self.host.value = value;
  });
  return [
    first ? h('option', { value: first.value }, first.label) : null,
    choices.map((c) => h('option', { value: c.value }, c.label)),
  ];
}

/** A select with the fixed choice `first` ("all models") and choices given later through `set`. */
export function choiceSelect(first?: Choice): Self<ChoicesState, HTMLSelectElement> {
  return component(h('select'), Choices, first, { choices: [], value: first?.value ?? '' });
}

/** The value to keep: `wanted` when it is still a choice, else the fixed first choice's. */
export function keptChoice(choices: Choice[], wanted: string, fallback = ''): string {
  return choices.some((c) => c.value === wanted) ? wanted : fallback;
}
