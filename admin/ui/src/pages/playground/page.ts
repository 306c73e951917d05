/**
 * Playground: a chat or responses request through the gateway's own /v1 (same origin, through
 * Caddy) with a pasted client key and a chosen model; the stream is shown as it arrives. An
 * attached image is sent inline, and the proxy's compression is read back from the usage
 * statistics (bytes saved for that model, before and after the request).
 */
import { isRecord } from '../../api.js';
import { clientKey } from '../../client-key.js';
import { card } from '../../components/card.js';
import { choiceSelect } from '../../components/choice-select.js';
import { control } from '../../components/control.js';
import { pageHeader } from '../../components/page-header.js';
import { segmented } from '../../components/segmented.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { gatewayError } from '../../gateway-error.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import type { Page } from '../../page.js';
import { compressionBox } from './compression.js';
import { imageField } from './image-field.js';
import { keyField } from './key-field.js';
import { output } from './output.js';
import { playMeta } from './play-meta.js';
import type { PlayRequest } from './request.js';
import { send } from './send.js';

/** The request set up survives navigation and language switches. */
const request: PlayRequest = { api: 'chat', stream: true, model: '', system: '', message: '' };

/** The models the key may use (GET /v1/models), else those of the stored config; and what went wrong. */
async function modelIds(signal: AbortSignal): Promise<{ ids: string[]; note: string }> {
  let ids: string[] = [];
  let note = '';
  if (clientKey()) {
    try {
      const res = await fetch('/v1/models', { headers: { authorization: `Bearer ${clientKey()}` }, signal });
      const body: unknown = await res.json().catch(() => undefined);
      if (res.ok && isRecord(body) && Array.isArray(body.data))
        ids = body.data.filter(isRecord).map((m) => String(m.id));
      else note = gatewayError(res.status, body);
    } catch (err) {
      note = err instanceof Error ? err.message : String(err);
    }
  }
  if (!ids.length) {
    await config.ensure().catch(() => undefined);
    ids = Array.isArray(config.original?.models)
      ? config.original.models.filter(isRecord).map((m) => String(m.id))
      : [];
  }
  return { ids, note };
}

function textArea(rows: number, placeholder: string, value: string, onInput: (v: string) => void): HTMLTextAreaElement {
  const area = h('textarea', { rows, placeholder });
  area.value = value;
  area.addEventListener('input', () => onInput(area.value));
  return area;
}

function checkbox(id: string, checked: boolean, onChange: (v: boolean) => void): HTMLInputElement {
  const box = h('input', { type: 'checkbox', id, checked });
  box.addEventListener('change', () => onChange(box.checked));
  return box;
}

function draw(signal: AbortSignal): Child {
  let inFlight: AbortController | undefined;
  signal.addEventListener('abort', () => inFlight?.abort());
  const models = choiceSelect();
  const loadModels = async () => {
    const { ids, note } = await modelIds(signal);
    if (signal.aborted) return;
    if (!ids.includes(request.model)) request.model = ids.find((id) => !/embedding|image/i.test(id)) ?? ids[0] ?? '';
    models.set({ choices: ids.map((id) => ({ value: id, label: id })), value: request.model });
    if (note) key.note(note);
  };
  const key = keyField(() => void loadModels());
  models.host.addEventListener('change', () => (request.model = models.host.value));
  const system = textArea(2, t('play.systemPlaceholder'), request.system, (v) => (request.system = v));
  const message = textArea(4, t('play.messagePlaceholder'), request.message, (v) => (request.message = v));
  const stream = checkbox('play-stream', request.stream, (v) => (request.stream = v));
  const [fileInput, imageBox] = imageField();
  const out = output();
  const compression = compressionBox();
  const meta = playMeta(compression.host);
  const sendBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('send', 16), t('play.send'));
  const stopBtn = h(
    'button',
    { type: 'button', class: 'btn btn-secondary', disabled: true, onClick: () => inFlight?.abort() },
    t('play.stop'),
  );
  const submit = (e: Event) => {
    e.preventDefault();
    inFlight = new AbortController();
    void send(
      { ...request },
      { output: out, meta, compression, sendBtn, stopBtn, keyInput: key.input },
      inFlight,
      signal,
    );
  };
  const form = h(
    'form',
    { class: 'stack-sm', onSubmit: submit },
    h(
      'div',
      { class: 'form-grid' },
      key.field,
      control(t('play.model'), models.host),
      h(
        'div',
        { class: 'field' },
        h('span', { class: 'label' }, t('play.api')),
        segmented(
          t('play.api'),
          [
            { value: 'chat', label: 'Chat Completions' },
            { value: 'responses', label: 'Responses' },
          ],
          request.api,
          (v) => (request.api = v),
        ),
      ),
      h(
        'div',
        { class: 'field field-check' },
        h('div', { class: 'check' }, stream, h('label', { for: 'play-stream' }, t('play.stream'))),
      ),
    ),
    control(t('play.system'), system),
    control(t('play.message'), message, t('play.messageHelp')),
    h(
      'div',
      { class: 'field' },
      h('span', { class: 'label' }, t('play.image')),
      fileInput,
      imageBox,
      h('div', { class: 'help' }, t('play.imageHelp')),
    ),
    h('div', { class: 'button-row' }, sendBtn, stopBtn),
  );
  message.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  void loadModels();
  return [
    pageHeader(t('nav.playground'), t('play.lead')),
    h(
      'div',
      { class: 'grid-2 play' },
      card(t('play.request'), form),
      card(t('play.response'), h('div', null, out.host, meta.host)),
    ),
  ];
}

/** The Playground page. */
export const playgroundPage: Page = {
  title: 'nav.playground',
  draw: (_, signal) => draw(signal),
};
