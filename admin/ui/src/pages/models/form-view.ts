/** The Models page's form: the models, the upstreams and the global auth, over the shared draft. */
import { card } from '../../components/card.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { selectField } from '../../form/select-field.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import { pointer } from '../../json-pointer.js';
import { AUTH_MODES, authFields, authModeLabel } from './auth-fields.js';
import { draftList, upstreamNames } from './draft-lists.js';
import { focusIn, type Redraw } from './editor.js';
import { modelCard } from './model-card.js';
import { upstreamCard } from './upstream-card.js';

function sectionHead(id: string, title: string, n: number, add: () => void, addLabel: string): HTMLElement {
  return h(
    'div',
    { class: 'section-head' },
    h('h2', { id }, title, ' ', h('span', { class: 'count' }, String(n))),
    h('button', { type: 'button', class: 'btn btn-secondary', onClick: add }, icon('plus', 16), addLabel),
  );
}

function fieldsHelp(): HTMLElement {
  return h(
    'details',
    { class: 'section-help' },
    h('summary', null, t('models.fieldsHelp')),
    h(
      'dl',
      { class: 'help-list' },
      h('dt', null, t('models.modelId')),
      h('dd', null, t('models.modelIdHelp')),
      h('dt', null, t('models.deployment')),
      h('dd', null, t('models.deploymentHelp')),
      h('dt', null, t('models.streamUsage')),
      h('dd', null, t('models.streamUsageHelp')),
      h('dt', null, t('models.pool')),
      h('dd', null, t('models.poolHelp')),
    ),
  );
}

function modelsSection(root: ParentNode, redraw: Redraw): HTMLElement {
  const models = draftList('/models');
  const add = () => {
    const n = models.length;
    config.set(pointer('models', n), { id: '', upstream: upstreamNames()[0] ?? '' });
    redraw(focusIn(root, `input[data-path="${pointer('models', n, 'id')}"]`));
  };
  return h(
    'section',
    { class: 'section', 'aria-labelledby': 'models-h' },
    sectionHead('models-h', t('models.models'), models.length, add, t('models.addModel')),
    fieldsHelp(),
    models.length ? models.map((_, i) => modelCard(i, redraw)) : h('p', { class: 'empty' }, t('models.noModels')),
  );
}

function upstreamsSection(root: ParentNode, redraw: Redraw): HTMLElement {
  const upstreams = draftList('/upstreams');
  const add = () => {
    const n = upstreams.length;
    config.set(pointer('upstreams', n), { name: '', baseUrl: '', auth: { mode: 'defaultAzureCredential' } });
    const name = pointer('upstreams', n, 'name');
    redraw(focusIn(root, `[data-path="${name}"] input, input[data-path="${name}"]`));
  };
  return h(
    'section',
    { class: 'section', 'aria-labelledby': 'upstreams-h' },
    sectionHead('upstreams-h', t('models.upstreams'), upstreams.length, add, t('models.addUpstream')),
    upstreams.length
      ? upstreams.map((_, i) => upstreamCard(i, redraw))
      : h('p', { class: 'empty' }, t('models.noUpstreams')),
  );
}

function globalAuthCard(redraw: Redraw): HTMLElement {
  const mode = selectField('/auth/mode', {
    label: t('models.authMode'),
    options: AUTH_MODES.map((m) => ({ value: m, label: authModeLabel(m) })),
    size: 'md',
    onChange: () => redraw(),
  });
  return card(
    t('models.globalAuth'),
    h(
      'div',
      null,
      h('p', { class: 'help' }, t('models.globalAuthHelp')),
      h('div', { class: 'form-grid' }, mode),
      authFields('/auth'),
    ),
    { path: '/auth' },
  );
}

/** The form's sections; `root` is where they are drawn (to focus a new item's first field). */
export function formView(root: ParentNode, redraw: Redraw): Child {
  return [modelsSection(root, redraw), upstreamsSection(root, redraw), globalAuthCard(redraw)];
}
