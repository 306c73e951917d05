/** A button that copies a text and says so for two seconds. */
import { component, type Self } from '../component.js';
import { announce, h, type Child } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';

interface CopyState {
  said: string | undefined;
}

function CopyLabel(label: string, self: Self<CopyState, HTMLButtonElement>): Child {
  return [icon('copy', 16), h('span', null, self.state.said ?? label)];
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (an HTTP origin, an old browser): select the text for Ctrl+C.
    return false;
  }
}

/** A button that copies `text()`. */
export function copyButton(text: () => string, label = t('action.copy')): HTMLButtonElement {
  const self = component(h('button', { type: 'button', class: 'btn btn-secondary' }), CopyLabel, label, {
    said: undefined,
  });
  self.host.addEventListener('click', () => {
    void copyText(text()).then((ok) => {
      const said = ok ? t('action.copied') : t('action.copyFailed');
      self.set({ said });
      announce(said);
      setTimeout(() => self.set({ said: undefined }), 2000);
    });
  });
  return self.host;
}
