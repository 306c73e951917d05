/**
 * Models & upstreams: forms over the shared draft (checked against the schema as typed, server
 * issues on the fields), per-upstream credential check and test request, and a raw JSON mode
 * for the whole config. Changes go through the review dialog (diff, then apply).
 */
import { api, ApiError, isRecord } from '../api.js';
import { clientKey, gatewayError } from '../client-key.js';
import { config } from '../config-state.js';
import { h, icon, mount, type Child } from '../dom.js';
import { dateTime, ms } from '../format.js';
import { checkField, numberField, secretField, selectField, textField } from '../form.js';
import { t } from '../i18n.js';
import type { Page } from '../page.js';
import { pointer } from '../schema.js';
import { alertBox, badge, card, confirmDialog, errorBox, loading, pageHeader, segmented } from '../ui.js';
import { openReview } from '../apply-view.js';

type Json = Record<string, unknown>;
const ROUTE_KEYS = ['chat/completions', 'responses', 'images/generations', 'embeddings'] as const;
const AUTH_MODES = ['defaultAzureCredential', 'managedIdentity', 'servicePrincipal', 'apiKey', 'none'] as const;

let mode: 'form' | 'json' = 'form';
/** Text of the raw editor while the user is in JSON mode (kept across language switches). */
let rawText: string | undefined;

function list(path: string): Json[] {
  const v = config.get(path);
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function upstreamNames(): string[] {
  return list('/upstreams').map((u) => String(u.name ?? '')).filter(Boolean);
}

function authModeLabel(m: string): string {
  switch (m) {
    case 'defaultAzureCredential':
      return t('auth.defaultAzureCredential');
    case 'managedIdentity':
      return t('auth.managedIdentity');
    case 'servicePrincipal':
      return t('auth.servicePrincipal');
    case 'apiKey':
      return t('auth.apiKey');
    case 'none':
      return t('auth.none');
    default:
      return m;
  }
}

/** The fields of one auth block at `base` for its mode. */
function authFields(base: string): HTMLElement {
  const m = String(config.get(`${base}/mode`) ?? 'defaultAzureCredential');
  const fields: HTMLElement[] = [];
  if (m === 'servicePrincipal') {
    fields.push(textField(`${base}/tenantId`, { label: t('auth.tenantId'), size: 'md' }));
    fields.push(textField(`${base}/clientId`, { label: t('auth.clientId'), size: 'md' }));
    fields.push(secretField(`${base}/clientSecret`, { label: t('auth.clientSecret'), size: 'md' }));
  }
  if (m === 'managedIdentity' || m === 'defaultAzureCredential') {
    fields.push(textField(`${base}/managedIdentityClientId`, { label: t('auth.miClientId'), size: 'md', help: m === 'managedIdentity' ? t('auth.miClientIdHelp') : t('auth.dacMiHelp') }));
  }
  if (m === 'apiKey') fields.push(secretField(`${base}/apiKey`, { label: t('auth.apiKeyValue'), size: 'md' }));
  if (m !== 'apiKey' && m !== 'none') {
    fields.push(textField(`${base}/scope`, { label: t('auth.scope'), size: 'lg' }));
    fields.push(textField(`${base}/authorityHost`, { label: t('auth.authorityHost'), size: 'md', type: 'url', help: t('auth.authorityHostHelp') }));
  }
  return h('div', { class: 'form-grid' }, fields);
}

function upstreamCard(i: number, redraw: () => void): HTMLElement {
  const base = pointer('upstreams', i);
  const u = list('/upstreams')[i] ?? {};
  const name = String(u.name ?? '');
  const storedNames = Array.isArray(config.original?.upstreams) ? config.original.upstreams.filter(isRecord).map((x) => String(x.name)) : [];
  const saved = storedNames.includes(name);
  const hasOwnAuth = isRecord(u.auth);
  // One result area per action, so a credential check and a test request can be read side by side.
  const result = h('div', { class: 'upstream-result', 'aria-live': 'polite' });
  const testResult = h('div', { class: 'upstream-result', 'aria-live': 'polite' });

  const authSelect = h(
    'select',
    { id: `auth-${i}`, 'data-path': `${base}/auth/mode` },
    h('option', { value: '' }, t('auth.inherit')),
    AUTH_MODES.map((m) => h('option', { value: m }, authModeLabel(m))),
  );
  authSelect.value = hasOwnAuth ? String((u.auth as Json).mode ?? 'defaultAzureCredential') : '';
  authSelect.addEventListener('change', () => {
    if (authSelect.value === '') config.set(`${base}/auth`, undefined);
    else if (!isRecord(config.get(`${base}/auth`))) config.set(`${base}/auth`, { mode: authSelect.value });
    else config.set(`${base}/auth/mode`, authSelect.value);
    redraw();
    document.getElementById(`auth-${i}`)?.focus();
  });

  const verify = async () => {
    mount(result, h('p', { class: 'busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('models.verifying')));
    try {
      const r = (await api<Json>('POST', `/upstreams/${encodeURIComponent(name)}/verify`)).data;
      mount(
        result,
        alertBox(
          r.ok ? 'ok' : 'error',
          h('strong', null, r.ok ? t('models.verifyOk') : t('models.verifyFailed')),
          h('p', null, `${String(r.credential ?? r.mode ?? '')} — ${String(r.message ?? '')}`),
          r.expiresAt ? h('p', null, t('models.tokenExpires', { time: dateTime(String(r.expiresAt)) })) : null,
        ),
      );
    } catch (err) {
      mount(result, errorBox(err, t('models.verifyFailed')));
    }
  };

  const usingModels = (Array.isArray(config.original?.models) ? config.original.models.filter(isRecord) : [])
    .filter((m) => m.upstream === name || (Array.isArray(m.targets) && m.targets.some((tg) => isRecord(tg) && tg.upstream === name)))
    .map((m) => String(m.id));
  const chatModel = usingModels.find((m) => !/embedding|image|dall-e|whisper|tts/i.test(m)) ?? usingModels[0];
  const testRequest = async () => {
    const key = clientKey();
    if (!key) {
      mount(testResult, alertBox('info', h('p', null, t('models.testNeedsKey')), h('a', { href: '/admin/playground', 'data-nav': 'playground' }, t('models.openPlayground'))));
      return;
    }
    if (!chatModel) {
      mount(testResult, alertBox('warn', h('p', null, t('models.testNoModel'))));
      return;
    }
    mount(testResult, h('p', { class: 'busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('models.testing', { model: chatModel })));
    const started = performance.now();
    try {
      const res = await fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: chatModel, messages: [{ role: 'user', content: 'Reply with the single word: OK' }] }),
      });
      const elapsed = performance.now() - started;
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: shown as text.
      }
      if (!res.ok) {
        mount(testResult, alertBox('error', h('strong', null, t('models.testFailed')), h('p', null, gatewayError(res.status, body))));
        return;
      }
      const choice = isRecord(body) && Array.isArray(body.choices) && isRecord(body.choices[0]) && isRecord(body.choices[0].message) ? String(body.choices[0].message.content ?? '') : '';
      mount(
        testResult,
        alertBox('ok', h('strong', null, t('models.testOk', { model: chatModel, ms: ms(elapsed) })), h('p', { class: 'reply' }, choice.slice(0, 300)), h('p', { class: 'muted small' }, `x-request-id: ${res.headers.get('x-request-id') ?? '—'}`)),
      );
    } catch (err) {
      mount(testResult, errorBox(err, t('models.testFailed')));
    }
  };

  const routes = h(
    'details',
    { class: 'advanced' },
    h('summary', null, t('models.upstreamRoutes')),
    h('p', { class: 'help' }, t('models.upstreamRoutesHelp')),
    h('div', { class: 'form-grid' }, ROUTE_KEYS.map((rk) => textField(`${base}/routes${pointer(rk)}`, { label: rk, size: 'lg', placeholder: `/openai/v1/${rk}` }))),
  );

  return card(
    h('span', null, name || t('models.newUpstream'), saved ? null : badge(t('models.unsaved'), 'info')),
    h(
      'div',
      null,
      h('div', { class: 'form-grid' },
        textField(`${base}/name`, { label: t('models.upstreamName'), size: 'md', onChange: () => undefined }),
        textField(`${base}/baseUrl`, { label: t('models.baseUrl'), size: 'lg', type: 'url', placeholder: 'https://my-resource.services.ai.azure.com', help: t('models.baseUrlHelp') }),
        h('div', { class: 'field field-md', 'data-path': `${base}/auth`, 'data-field': '' }, h('label', { for: `auth-${i}` }, t('models.authMode')), authSelect, h('div', { class: 'errors', 'aria-live': 'polite' })),
      ),
      hasOwnAuth ? authFields(`${base}/auth`) : h('p', { class: 'help' }, t('auth.inheritHelp')),
      routes,
      h(
        'div',
        { class: 'button-row' },
        h('button', { type: 'button', class: 'btn btn-secondary', disabled: !saved, title: saved ? null : t('models.applyFirst'), onClick: () => void verify() }, t('models.verify')),
        h('button', { type: 'button', class: 'btn btn-secondary', disabled: !saved, onClick: () => void testRequest() }, icon('send', 16), t('models.test')),
        saved ? null : h('span', { class: 'muted small' }, t('models.applyFirst')),
      ),
      result,
      testResult,
    ),
    {
      path: base,
      class: 'item-card',
      actions: h('button', {
        type: 'button',
        class: 'btn btn-ghost btn-danger-text',
        'aria-label': t('models.removeUpstream', { name: name || String(i + 1) }),
        onClick: () => void confirmDialog(t('models.removeUpstreamTitle'), t('models.removeUpstreamBody', { name }), t('action.remove'), 'danger').then((yes) => {
          if (!yes) return;
          config.set(base, undefined);
          redraw();
        }),
      }, icon('trash', 16), t('action.remove')),
    },
  );
}

function targetRows(base: string, redraw: () => void): HTMLElement {
  const targets = list(`${base}/targets`);
  const names = upstreamNames();
  return h(
    'div',
    { class: 'targets' },
    targets.map((_, j) => {
      const tb = `${base}/targets/${j}`;
      return h(
        'div',
        { class: 'target-row card-inner', 'data-path': tb },
        h('div', { class: 'form-grid' },
          selectField(`${tb}/upstream`, { label: t('models.upstream'), options: names.map((n) => ({ value: n, label: n })), size: 'md' }),
          textField(`${tb}/targetModel`, { label: t('models.deployment'), size: 'md', help: t('models.deploymentInherit') }),
          numberField(`${tb}/priority`, { label: t('models.priority') }),
          numberField(`${tb}/weight`, { label: t('models.weight') }),
        ),
        h('button', {
          type: 'button',
          class: 'btn btn-ghost btn-sm btn-danger-text',
          onClick: () => {
            const rest = list(`${base}/targets`).filter((__, k) => k !== j);
            config.set(`${base}/targets`, rest.length ? rest : undefined);
            redraw();
          },
        }, t('models.removeTarget')),
      );
    }),
    h('button', {
      type: 'button',
      class: 'btn btn-secondary btn-sm',
      onClick: () => {
        config.set(`${base}/targets`, [...list(`${base}/targets`), { upstream: names[0] ?? '', priority: 0, weight: 1 }]);
        redraw();
      },
    }, icon('plus', 16), t('models.addTarget')),
  );
}

function modelCard(i: number, redraw: () => void): HTMLElement {
  const base = pointer('models', i);
  const m = list('/models')[i] ?? {};
  const id = String(m.id ?? '');
  const pooled = Array.isArray(m.targets);
  const names = upstreamNames();
  const storedIds = Array.isArray(config.original?.models) ? config.original.models.filter(isRecord).map((x) => String(x.id)) : [];
  const poolToggle = h('input', { type: 'checkbox', id: `pool-${i}`, checked: pooled });
  poolToggle.addEventListener('change', () => {
    if (poolToggle.checked) {
      const first = { upstream: String(m.upstream ?? names[0] ?? ''), ...(m.targetModel ? { targetModel: m.targetModel } : {}), priority: 0, weight: 1 };
      config.set(`${base}/targets`, [first]);
    } else {
      config.set(`${base}/targets`, undefined);
      if (!m.upstream && names[0]) config.set(`${base}/upstream`, names[0]);
    }
    redraw();
    document.getElementById(`pool-${i}`)?.focus();
  });
  return card(
    h('span', null, id || t('models.newModel'), storedIds.includes(id) ? null : badge(t('models.unsaved'), 'info')),
    h(
      'div',
      null,
      h('div', { class: 'form-grid' },
        textField(`${base}/id`, { label: t('models.modelId'), size: 'md' }),
        pooled ? null : selectField(`${base}/upstream`, { label: t('models.upstream'), options: names.map((n) => ({ value: n, label: n })), size: 'md' }),
        pooled ? null : textField(`${base}/targetModel`, { label: t('models.deployment'), size: 'md', placeholder: id || undefined }),
        textField(`${base}/ownedBy`, { label: t('models.ownedBy'), size: 'sm', placeholder: 'system' }),
      ),
      h('div', { class: 'check-row' },
        checkField(`${base}/streamUsage`, { label: t('models.streamUsage') }),
        h('div', { class: 'field field-check' }, h('div', { class: 'check' }, poolToggle, h('label', { for: `pool-${i}` }, t('models.pool')))),
      ),
      pooled ? h('fieldset', { class: 'subsection' }, h('legend', null, t('models.targets')), targetRows(base, redraw)) : null,
      h(
        'details',
        { class: 'advanced' },
        h('summary', null, t('models.routes')),
        h('p', { class: 'help' }, t('models.routesHelp')),
        h('div', { class: 'form-grid' }, ['*', ...ROUTE_KEYS].map((rk) => textField(`${base}/routes${pointer(rk)}`, { label: rk === '*' ? t('models.routeAll') : rk, size: 'lg', placeholder: rk === '*' ? 'responses' : '' }))),
      ),
    ),
    {
      path: base,
      class: 'item-card',
      actions: h('button', {
        type: 'button',
        class: 'btn btn-ghost btn-danger-text',
        'aria-label': t('models.removeModel', { name: id || String(i + 1) }),
        onClick: () => {
          config.set(base, undefined);
          redraw();
        },
      }, icon('trash', 16), t('action.remove')),
    },
  );
}

function formView(container: HTMLElement): void {
  const redraw = () => formView(container);
  const upstreams = list('/upstreams');
  const models = list('/models');
  const addUpstream = () => {
    const n = upstreams.length;
    config.set(pointer('upstreams', n), { name: '', baseUrl: '', auth: { mode: 'defaultAzureCredential' } });
    redraw();
    container.querySelector<HTMLInputElement>(`[data-path="${pointer('upstreams', n, 'name')}"] input, input[data-path="${pointer('upstreams', n, 'name')}"]`)?.focus();
  };
  const addModel = () => {
    const n = models.length;
    config.set(pointer('models', n), { id: '', upstream: upstreamNames()[0] ?? '' });
    redraw();
    container.querySelector<HTMLInputElement>(`input[data-path="${pointer('models', n, 'id')}"]`)?.focus();
  };
  mount(
    container,
    h(
      'section',
      { class: 'section', 'aria-labelledby': 'models-h' },
      h('div', { class: 'section-head' }, h('h2', { id: 'models-h' }, t('models.models'), ' ', h('span', { class: 'count' }, String(models.length))), h('button', { type: 'button', class: 'btn btn-secondary', onClick: addModel }, icon('plus', 16), t('models.addModel'))),
      h('details', { class: 'section-help' }, h('summary', null, t('models.fieldsHelp')), h('dl', { class: 'help-list' },
        h('dt', null, t('models.modelId')), h('dd', null, t('models.modelIdHelp')),
        h('dt', null, t('models.deployment')), h('dd', null, t('models.deploymentHelp')),
        h('dt', null, t('models.streamUsage')), h('dd', null, t('models.streamUsageHelp')),
        h('dt', null, t('models.pool')), h('dd', null, t('models.poolHelp')),
      )),
      models.length ? models.map((_, i) => modelCard(i, redraw)) : h('p', { class: 'empty' }, t('models.noModels')),
    ),
    h(
      'section',
      { class: 'section', 'aria-labelledby': 'upstreams-h' },
      h('div', { class: 'section-head' }, h('h2', { id: 'upstreams-h' }, t('models.upstreams'), ' ', h('span', { class: 'count' }, String(upstreams.length))), h('button', { type: 'button', class: 'btn btn-secondary', onClick: addUpstream }, icon('plus', 16), t('models.addUpstream'))),
      upstreams.length ? upstreams.map((_, i) => upstreamCard(i, redraw)) : h('p', { class: 'empty' }, t('models.noUpstreams')),
    ),
    card(
      t('models.globalAuth'),
      h('div', null, h('p', { class: 'help' }, t('models.globalAuthHelp')), h('div', { class: 'form-grid' }, selectField('/auth/mode', { label: t('models.authMode'), options: AUTH_MODES.map((m) => ({ value: m, label: authModeLabel(m) })), size: 'md', onChange: () => redraw() })), authFields('/auth')),
      { path: '/auth' },
    ),
  );
}

function jsonView(container: HTMLElement): void {
  rawText ??= JSON.stringify(config.draft, null, 2);
  const area = h('textarea', { id: 'raw-json', class: 'code-editor', spellcheck: 'false', rows: 28, 'aria-describedby': 'raw-help raw-err' });
  area.value = rawText;
  const err = h('div', { id: 'raw-err', class: 'errors', 'aria-live': 'polite' });
  area.addEventListener('input', () => {
    rawText = area.value;
  });
  const use = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(area.value);
    } catch (e) {
      mount(err, h('p', { class: 'error' }, t('models.jsonInvalid', { message: e instanceof Error ? e.message : String(e) })));
      area.setAttribute('aria-invalid', 'true');
      area.focus();
      return;
    }
    if (!isRecord(parsed)) {
      mount(err, h('p', { class: 'error' }, t('models.jsonNotObject')));
      return;
    }
    area.setAttribute('aria-invalid', 'false');
    mount(err);
    rawText = undefined;
    config.replace(parsed);
    openReview();
  };
  mount(
    container,
    card(
      t('models.rawTitle'),
      h(
        'div',
        null,
        h('p', { class: 'help', id: 'raw-help' }, t('models.rawHelp')),
        h('label', { for: 'raw-json', class: 'visually-hidden' }, t('models.rawTitle')),
        area,
        err,
        h('div', { class: 'button-row' },
          h('button', { type: 'button', class: 'btn btn-primary', onClick: use }, t('models.rawUse')),
          h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => { rawText = JSON.stringify(config.draft, null, 2); area.value = rawText; mount(err); } }, t('models.rawReset')),
        ),
      ),
    ),
  );
}

/** The Models & upstreams page. */
export const modelsPage: Page = {
  title: 'nav.models',
  editsConfig: true,
  async render(root, signal) {
    mount(root, pageHeader(t('nav.models'), t('models.lead')), loading());
    try {
      await config.ensure();
    } catch (err) {
      if (!signal.aborted) mount(root, pageHeader(t('nav.models'), t('models.lead')), errorBox(err instanceof ApiError ? err : String(err)));
      return;
    }
    if (signal.aborted) return;
    const container = h('div', { class: 'stack' });
    const switcher = segmented(t('models.mode'), [{ value: 'form', label: t('models.modeForm') }, { value: 'json', label: t('models.modeJson') }], mode, (next) => {
      if (next === 'form' && rawText !== undefined && rawText !== JSON.stringify(config.draft, null, 2)) {
        void confirmDialog(t('models.leaveJsonTitle'), t('models.leaveJsonBody'), t('models.leaveJsonConfirm')).then((yes) => {
          if (!yes) {
            (switcher.querySelector('input[value="json"]') as HTMLInputElement | null)?.click();
            return;
          }
          rawText = undefined;
          mode = 'form';
          draw();
        });
        return;
      }
      mode = next;
      if (next === 'json') rawText = undefined;
      draw();
    });
    const draw = () => (mode === 'form' ? formView(container) : jsonView(container));
    const children: Child[] = [pageHeader(t('nav.models'), t('models.lead'), switcher), container];
    mount(root, ...children);
    draw();
  },
};
