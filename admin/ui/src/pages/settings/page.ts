/**
 * Settings: image compression, upstream timeouts, retries and failover, connection pool, request
 * size limit and the admin login. Every field shows the schema's default when left empty.
 */
import { card } from '../../components/card.js';
import { pageHeader } from '../../components/page-header.js';
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { checkField } from '../../form/check-field.js';
import { numberField } from '../../form/number-field.js';
import { selectField } from '../../form/select-field.js';
import { textField } from '../../form/text-field.js';
import { t } from '../../i18n.js';
import type { Page } from '../../page.js';
import { passwordField } from './password-field.js';
import { statusListField } from './status-list-field.js';

const IC = '/server/imageCompression';
const UP = '/server/upstream';

function grid(...children: HTMLElement[]): HTMLElement {
  return h('div', { class: 'form-grid' }, children);
}

function imagesCard(): HTMLElement {
  return card(
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
        numberField(`${IC}/thresholdBytes`, {
          label: t('settings.threshold'),
          unit: t('unit.bytes'),
          help: t('settings.thresholdHelp'),
        }),
      ),
    ),
    { path: IC },
  );
}

function timeoutsCard(): HTMLElement {
  return card(
    t('settings.timeouts'),
    h(
      'div',
      null,
      h('p', { class: 'help' }, t('settings.timeoutsHelp')),
      grid(
        numberField(`${UP}/connectTimeoutMs`, {
          label: t('settings.connectTimeout'),
          unit: 'ms',
          help: t('settings.connectTimeoutHelp'),
        }),
        numberField(`${UP}/firstByteTimeoutMs`, {
          label: t('settings.firstByteTimeout'),
          unit: 'ms',
          help: t('settings.firstByteTimeoutHelp'),
        }),
        numberField(`${UP}/idleTimeoutMs`, {
          label: t('settings.idleTimeout'),
          unit: 'ms',
          help: t('settings.idleTimeoutHelp'),
        }),
        numberField(`${UP}/requestTimeoutMs`, {
          label: t('settings.requestTimeout'),
          unit: 'ms',
          help: t('settings.requestTimeoutHelp'),
        }),
      ),
    ),
    { path: UP },
  );
}

function retriesCard(): HTMLElement {
  return card(
    t('settings.retries'),
    h(
      'div',
      null,
      h('p', { class: 'help' }, t('settings.retriesHelp')),
      grid(
        numberField(`${UP}/maxRetries`, { label: t('settings.maxRetries') }),
        numberField(`${UP}/retryBaseMs`, { label: t('settings.retryBase'), unit: 'ms' }),
        numberField(`${UP}/retryMaxMs`, { label: t('settings.retryMax'), unit: 'ms' }),
        statusListField(`${UP}/retryStatuses`),
      ),
      h('h3', null, t('settings.circuit')),
      grid(
        numberField(`${UP}/circuitBreaker/failureThreshold`, {
          label: t('settings.failureThreshold'),
          help: t('settings.failureThresholdHelp'),
        }),
        numberField(`${UP}/circuitBreaker/openMs`, {
          label: t('settings.openMs'),
          unit: 'ms',
          help: t('settings.openMsHelp'),
        }),
        numberField(`${UP}/rateLimitHeadroom/requests`, {
          label: t('settings.headroomRequests'),
          help: t('settings.headroomHelp'),
        }),
        numberField(`${UP}/rateLimitHeadroom/tokens`, { label: t('settings.headroomTokens') }),
      ),
    ),
  );
}

function limitsCard(): HTMLElement {
  return card(
    t('settings.limits'),
    grid(
      numberField('/server/bodyLimitBytes', {
        label: t('settings.bodyLimit'),
        unit: t('unit.bytes'),
        placeholder: '52428800',
        help: `${t('settings.bodyLimitHelp')} ${t('form.default', { value: '52428800 (50 MiB)' })}`,
      }),
      numberField(`${UP}/pool/connections`, {
        label: t('settings.poolConnections'),
        help: t('settings.poolConnectionsHelp'),
      }),
      numberField(`${UP}/pool/keepAliveTimeoutMs`, { label: t('settings.poolKeepAlive'), unit: 'ms' }),
    ),
  );
}

function adminCard(): HTMLElement {
  return card(
    t('settings.admin'),
    h(
      'div',
      null,
      h('p', { class: 'help' }, t('settings.adminHelp')),
      grid(
        textField('/server/adminAuth/username', {
          label: t('settings.username'),
          size: 'md',
          autocomplete: 'username',
        }),
        passwordField(),
      ),
    ),
    { path: '/server/adminAuth' },
  );
}

/** The Settings page. */
export const settingsPage: Page = {
  title: 'nav.settings',
  lead: 'settings.lead',
  editsConfig: true,
  load: () => config.ensure(),
  draw: () => [
    pageHeader(t('nav.settings'), t('settings.lead')),
    imagesCard(),
    timeoutsCard(),
    retriesCard(),
    limitsCard(),
    adminCard(),
  ],
};
