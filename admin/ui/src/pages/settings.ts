/**
 * Settings: image compression, upstream timeouts, retries and failover, connection pool, request
 * size limit and the admin login. Every field shows the schema's default when left empty.
 */
import { config } from '../config-state.js';
import { h, mount } from '../dom.js';
import { checkField, numberField, selectField, setFieldErrors, textField } from '../form.js';
import { t } from '../i18n.js';
import type { Page } from '../page.js';
import { check, schemaAt } from '../schema.js';
import { card, errorBox, loading, pageHeader } from '../ui.js';

const IC = '/server/imageCompression';
const UP = '/server/upstream';

/** retryStatuses as "429, 500, 503". */
function statusList(): HTMLElement {
  const path = `${UP}/retryStatuses`;
  const id = 'retry-statuses';
  const current = config.get(path);
  const input = h('input', {
    id,
    type: 'text',
    inputmode: 'numeric',
    value: Array.isArray(current) ? current.join(', ') : '',
    placeholder: '408, 409, 425, 429, 500, 502, 503, 504',
    'data-path': path,
    'aria-describedby': `${id}-help ${id}-err`,
  });
  const field = h('div', { class: 'field field-lg', 'data-path': path, 'data-field': '' }, h('label', { for: id }, t('settings.retryStatuses')), input, h('div', { class: 'help', id: `${id}-help` }, t('settings.retryStatusesHelp')), h('div', { class: 'errors', id: `${id}-err`, 'aria-live': 'polite' }));
  input.addEventListener('input', () => {
    const raw = input.value.trim();
    if (!raw) {
      config.set(path, undefined);
      setFieldErrors(field, []);
      return;
    }
    const parts = raw.split(/[\s,]+/).filter(Boolean);
    const nums = parts.map(Number);
    if (nums.some((n) => !Number.isInteger(n))) {
      setFieldErrors(field, [t('settings.retryStatusesInvalid')]);
      return;
    }
    config.set(path, nums);
    setFieldErrors(field, check(schemaAt(config.schema, path), nums));
  });
  return field;
}

/** A new admin password (plaintext here; the server stores only its scrypt hash). */
function passwordField(): HTMLElement {
  const path = '/server/adminAuth/password';
  const id = 'admin-password';
  const input = h('input', { id, type: 'password', autocomplete: 'new-password', 'data-path': path, 'aria-describedby': `${id}-help ${id}-err`, placeholder: t('settings.passwordPlaceholder') });
  const field = h('div', { class: 'field field-md', 'data-path': path, 'data-field': '' }, h('label', { for: id }, t('settings.newPassword')), input, h('div', { class: 'help', id: `${id}-help` }, t('settings.passwordHelp')), h('div', { class: 'errors', id: `${id}-err`, 'aria-live': 'polite' }));
  input.addEventListener('input', () => {
    config.set(path, input.value === '' ? undefined : input.value);
    setFieldErrors(field, input.value && input.value.length < 12 ? [t('settings.passwordShort')] : []);
  });
  return field;
}

/** The Settings page. */
export const settingsPage: Page = {
  title: 'nav.settings',
  editsConfig: true,
  async render(root, signal) {
    mount(root, pageHeader(t('nav.settings'), t('settings.lead')), loading());
    try {
      await config.ensure();
    } catch (err) {
      if (!signal.aborted) mount(root, pageHeader(t('nav.settings'), t('settings.lead')), errorBox(err));
      return;
    }
    if (signal.aborted) return;
    const grid = (...children: HTMLElement[]) => h('div', { class: 'form-grid' }, children);
    mount(
      root,
      pageHeader(t('nav.settings'), t('settings.lead')),
      card(
        t('settings.images'),
        h(
          'div',
          null,
          h('p', { class: 'help' }, t('settings.imagesHelp')),
          checkField(`${IC}/enabled`, { label: t('settings.compressImages') }),
          grid(
            numberField(`${IC}/maxSize`, { label: t('settings.maxSize'), unit: 'px', help: t('settings.maxSizeHelp') }),
            numberField(`${IC}/quality`, { label: t('settings.quality'), step: 0.01, help: t('settings.qualityHelp') }),
            selectField(`${IC}/format`, { label: t('settings.format'), size: 'sm', help: t('settings.formatHelp') }),
            numberField(`${IC}/thresholdBytes`, { label: t('settings.threshold'), unit: t('unit.bytes'), help: t('settings.thresholdHelp') }),
          ),
        ),
        { path: IC },
      ),
      card(
        t('settings.timeouts'),
        h(
          'div',
          null,
          h('p', { class: 'help' }, t('settings.timeoutsHelp')),
          grid(
            numberField(`${UP}/connectTimeoutMs`, { label: t('settings.connectTimeout'), unit: 'ms', help: t('settings.connectTimeoutHelp') }),
            numberField(`${UP}/firstByteTimeoutMs`, { label: t('settings.firstByteTimeout'), unit: 'ms', help: t('settings.firstByteTimeoutHelp') }),
            numberField(`${UP}/idleTimeoutMs`, { label: t('settings.idleTimeout'), unit: 'ms', help: t('settings.idleTimeoutHelp') }),
            numberField(`${UP}/requestTimeoutMs`, { label: t('settings.requestTimeout'), unit: 'ms', help: t('settings.requestTimeoutHelp') }),
          ),
        ),
        { path: UP },
      ),
      card(
        t('settings.retries'),
        h(
          'div',
          null,
          h('p', { class: 'help' }, t('settings.retriesHelp')),
          grid(
            numberField(`${UP}/maxRetries`, { label: t('settings.maxRetries') }),
            numberField(`${UP}/retryBaseMs`, { label: t('settings.retryBase'), unit: 'ms' }),
            numberField(`${UP}/retryMaxMs`, { label: t('settings.retryMax'), unit: 'ms' }),
            statusList(),
          ),
          h('h3', null, t('settings.circuit')),
          grid(
            numberField(`${UP}/circuitBreaker/failureThreshold`, { label: t('settings.failureThreshold'), help: t('settings.failureThresholdHelp') }),
            numberField(`${UP}/circuitBreaker/openMs`, { label: t('settings.openMs'), unit: 'ms', help: t('settings.openMsHelp') }),
            numberField(`${UP}/rateLimitHeadroom/requests`, { label: t('settings.headroomRequests'), help: t('settings.headroomHelp') }),
            numberField(`${UP}/rateLimitHeadroom/tokens`, { label: t('settings.headroomTokens') }),
          ),
        ),
      ),
      card(
        t('settings.limits'),
        grid(
          numberField('/server/bodyLimitBytes', { label: t('settings.bodyLimit'), unit: t('unit.bytes'), placeholder: '52428800', help: `${t('settings.bodyLimitHelp')} ${t('form.default', { value: '52428800 (50 MiB)' })}` }),
          numberField(`${UP}/pool/connections`, { label: t('settings.poolConnections'), help: t('settings.poolConnectionsHelp') }),
          numberField(`${UP}/pool/keepAliveTimeoutMs`, { label: t('settings.poolKeepAlive'), unit: 'ms' }),
        ),
      ),
      card(
        t('settings.admin'),
        h('div', null, h('p', { class: 'help' }, t('settings.adminHelp')), grid(textField('/server/adminAuth/username', { label: t('settings.username'), size: 'md', autocomplete: 'username' }), passwordField())),
        { path: '/server/adminAuth' },
      ),
    );
  },
};
