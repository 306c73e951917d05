/**
 * Models & upstreams: forms over the shared draft (checked against the schema as typed, server
 * issues on the fields), per-upstream credential check and test request, and a raw JSON mode
 * for the whole config. Changes go through the review dialog (diff, then apply).
 */
import { component, type Self } from '../../component.js';
import { confirmDialog } from '../../components/confirm-dialog.js';
import { pageHeader } from '../../components/page-header.js';
import { promptLogBanner } from '../../components/prompt-log-notice.js';
import { segmented } from '../../components/segmented.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';
import type { Page } from '../../page.js';
import type { Redraw } from './editor.js';
import { formView } from './form-view.js';
import { forgetRaw, jsonView, rawEdited } from './json-view.js';

type Mode = 'form' | 'json';

/** The mode survives navigation and language switches. */
let remembered: Mode = 'form';

function ModelsBody(_: null, self: Self<{ mode: Mode }>): Child {
  remembered = self.state.mode;
  if (self.state.mode === 'json') return jsonView();
  const redraw: Redraw = (then) => {
    self.redraw();
    if (then) self.after(then);
  };
  return formView(self.host, redraw);
}

function modeSwitch(body: Self<{ mode: Mode }>): HTMLElement {
  const switcher = segmented(
    t('models.mode'),
    [
      { value: 'form', label: t('models.modeForm') },
      { value: 'json', label: t('models.modeJson') },
    ],
    remembered,
    (next) => {
      // Back on JSON after declining to leave it: the editor and its text stay as they are.
      if (next === body.state.mode) return;
      if (next === 'form' && rawEdited()) {
        void confirmDialog(t('models.leaveJsonTitle'), t('models.leaveJsonBody'), t('models.leaveJsonConfirm')).then(
          (yes) => {
            if (!yes) {
              switcher.querySelector<HTMLInputElement>('input[value="json"]')?.click();
              return;
            }
            forgetRaw();
            body.set({ mode: 'form' });
          },
        );
        return;
      }
      if (next === 'json') forgetRaw();
      body.set({ mode: next });
    },
  );
  return switcher;
}

function draw(): Child {
  const body = component(h('div', { class: 'stack' }), ModelsBody, null, { mode: remembered });
  return [pageHeader(t('nav.models'), t('models.lead'), modeSwitch(body)), promptLogBanner(), body.host];
}

/** The Models & upstreams page. */
export const modelsPage: Page = {
  title: 'nav.models',
  lead: 'models.lead',
  editsConfig: true,
  load: () => config.ensure(),
  draw,
};
