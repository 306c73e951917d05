/** Choosing the ACME CA: radio cards, and for a custom CA its directory URL and root certificate. */
import { asText } from '../../api.js';
import { component, type Self } from '../../component.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { errorSlot, setFieldErrors } from '../../form/error-slot.js';
import { textField } from '../../form/text-field.js';
import { t } from '../../i18n.js';
import { check } from '../../schema-check.js';
import { schemaAt } from '../../schema.js';
import { caKind, caValue, type CaKind } from './ca-choice.js';

const CA = '/server/caddy/acme/ca';

interface CustomProps {
  urlField: HTMLElement;
  rootField: HTMLElement;
}

/** The custom CA's fields, shown only for a custom CA (kept while hidden: their input stays). */
function CustomFields({ urlField, rootField }: CustomProps, self: Self<{ kind: CaKind }>): Child {
  urlField.hidden = self.state.kind !== 'custom';
  rootField.hidden = self.state.kind !== 'custom';
  return [urlField, rootField];
}

function urlInput(kind: CaKind, current: string): { url: HTMLInputElement; urlField: HTMLElement } {
  const urlId = 'ca-url';
  const url = h('input', {
    id: urlId,
    type: 'url',
    value: kind === 'custom' ? current : '',
    placeholder: 'https://acme.example.com/directory',
    spellcheck: 'false',
    autocomplete: 'off',
    'data-path': CA,
    'aria-describedby': `${urlId}-help ${urlId}-err`,
  });
  const urlField = h(
    'div',
    { class: 'field field-lg', 'data-path': CA, 'data-field': '' },
    h('label', { for: urlId }, t('domain.caUrl')),
    url,
    h('div', { class: 'help', id: `${urlId}-help` }, t('domain.caUrlHelp')),
    errorSlot(`${urlId}-err`),
  );
  url.addEventListener('input', () => {
    config.set(CA, url.value);
    setFieldErrors(urlField, check(schemaAt(config.schema, CA), url.value));
  });
  return { url, urlField };
}

/** The CA chooser. */
export function caChooser(): HTMLElement {
  const kind = caKind(asText(config.get(CA)));
  const { url, urlField } = urlInput(kind, asText(config.get(CA)));
  const rootField = textField('/server/caddy/acme/caRoot', {
    label: t('domain.caRoot'),
    size: 'lg',
    help: t('domain.caRootHelp'),
    placeholder: '/app/data/ca-root.pem',
  });
  const custom = component(h('div', { class: 'form-grid' }), CustomFields, { urlField, rootField }, { kind });
  const radio = (value: CaKind, label: string, help: string) => {
    const id = `ca-${value}`;
    const input = h('input', { type: 'radio', name: 'ca', id, value, checked: kind === value });
    input.addEventListener('change', () => {
      if (!input.checked) return;
      custom.set({ kind: value });
      config.set(CA, caValue(value, config.stored(CA), url.value));
      if (value === 'custom') custom.after(() => url.focus());
    });
    return h(
      'div',
      { class: 'radio-card' },
      input,
      h('label', { for: id }, h('strong', null, label), h('span', { class: 'help' }, help)),
    );
  };
  return h(
    'div',
    null,
    h(
      'fieldset',
      { class: 'field radio-cards', 'data-path': '/server/caddy/acme', 'data-field': '' },
      h('legend', null, t('domain.ca')),
      radio('production', t('domain.caProduction'), t('domain.caProductionHelp')),
      radio('staging', t('domain.caStaging'), t('domain.caStagingHelp')),
      radio('custom', t('domain.caCustom'), t('domain.caCustomHelp')),
      errorSlot(),
    ),
    custom.host,
  );
}
