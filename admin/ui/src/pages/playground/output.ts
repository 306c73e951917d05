/** The answer as it arrives (a log region read on demand, scrolled to its end). */
import { component, type Self } from '../../component.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';

/** The text so far, and whether more is coming. */
export interface OutputState {
  text: string;
  busy: boolean;
}

function Output(_: null, self: Self<OutputState>): Child {
  if (self.state.busy) self.host.setAttribute('aria-busy', 'true');
  else self.host.removeAttribute('aria-busy');
  self.after(() => {
    self.host.scrollTop = self.host.scrollHeight;
  });
  return self.state.text;
}

/** The output area. */
export function output(): Self<OutputState> {
  return component(
    h('div', { class: 'output', role: 'log', 'aria-live': 'off', 'aria-label': t('play.output'), tabindex: 0 }),
    Output,
    null,
    { text: '', busy: false },
  );
}
