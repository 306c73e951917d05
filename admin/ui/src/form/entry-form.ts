/**
 * The create form of a key or a team: drawn once the config it offers choices from is loaded,
 * sent by its button, and drawn again blank after a success (its message area stays).
 */
import { component, type Self } from '../component.js';
import { loading } from '../components/alerts.js';
import { config } from '../config-state.js';
import { h, type Child } from '../dom.js';
import { icon } from '../icons.js';
import { formResult, type FormResult } from './form-result.js';

/** The inputs of a form and how to read them. */
export interface Inputs<V> {
  nodes: Child;
  read(): V;
}

/** What the form draws and does. */
export interface EntryFormProps<V> {
  /** Fresh, blank inputs (called for each draw). */
  fields: () => Inputs<V>;
  submitLabel: string;
  /** Sends what was typed; true starts the form over. */
  submit: (values: V, form: HTMLFormElement, result: Self<{ result: FormResult }>) => Promise<boolean>;
}

/** Whether the form can be drawn, and how many times it was sent successfully. */
export interface EntryFormState {
  ready: boolean;
  round: number;
}

/** The form; `set({ ready: true })` draws its inputs. */
export function entryForm<V>(props: EntryFormProps<V>): Self<EntryFormState, HTMLFormElement> {
  const result = formResult();
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('plus', 16), props.submitLabel);
  let read: (() => V) | undefined;
  const view = (_: null, self: Self<EntryFormState, HTMLFormElement>): Child => {
    if (!self.state.ready) return loading();
    const inputs = props.fields();
    read = () => inputs.read();
    return [inputs.nodes, h('div', { class: 'button-row' }, button), result.host];
  };
  const self = component(h('form', { class: 'stack-sm', novalidate: true }), view, null, { ready: false, round: 0 });
  self.host.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!read) return;
    button.disabled = true;
    void props
      .submit(read(), self.host, result)
      .then((ok) => {
        if (ok) self.set({ round: self.state.round + 1 });
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return self;
}

/** Once the config is loaded (the form offers its teams and models), draws `form` and runs `load`. */
export function afterConfig(form: Self<EntryFormState>, signal: AbortSignal, load: () => Promise<void>): void {
  void config
    .ensure()
    .catch(() => undefined)
    .then(() => {
      if (signal.aborted) return;
      form.set({ ready: true });
      return load();
    });
}
