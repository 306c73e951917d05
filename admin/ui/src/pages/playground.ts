/**
 * Playground: a chat or responses request through the gateway's own /v1 (same origin, through
 * Caddy) with a pasted client key and a chosen model; the stream is shown as it arrives. An
 * attached image is sent inline, and the proxy's compression is read back from the usage
 * statistics (bytes saved for that model, before and after the request).
 */
import { getJson, isRecord } from '../api.js';
import { clientKey, gatewayError, keptForTab, setClientKey } from '../client-key.js';
import { config } from '../config-state.js';
import { announce, h, icon, mount } from '../dom.js';
import { bytes, ms, num } from '../format.js';
import { t } from '../i18n.js';
import type { Page } from '../page.js';
import { alertBox, card, control, facts, pageHeader, segmented } from '../ui.js';

type Json = Record<string, unknown>;
type Api = 'chat' | 'responses';

const state = { api: 'chat' as Api, stream: true, model: '', system: '', message: '' };
let image: { file: File; dataUrl: string; width: number; height: number } | undefined;

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}

function dimensions(url: string): Promise<{ width: number; height: number }> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => resolve({ width: 0, height: 0 });
    img.src = url;
  });
}

function requestBody(): Json {
  const text = state.message || 'Hello!';
  if (state.api === 'chat') {
    const content: unknown = image ? [{ type: 'text', text }, { type: 'image_url', image_url: { url: image.dataUrl } }] : text;
    return {
      model: state.model,
      stream: state.stream,
      ...(state.stream ? { stream_options: { include_usage: true } } : {}),
      messages: [...(state.system ? [{ role: 'system', content: state.system }] : []), { role: 'user', content }],
    };
  }
  return {
    model: state.model,
    stream: state.stream,
    ...(state.system ? { instructions: state.system } : {}),
    input: [{ role: 'user', content: [{ type: 'input_text', text }, ...(image ? [{ type: 'input_image', image_url: image.dataUrl }] : [])] }],
  };
}

/** Text and usage of a non-streamed answer. */
function fromJson(api: Api, body: unknown): { text: string; usage?: Json } {
  if (!isRecord(body)) return { text: '' };
  const usage = isRecord(body.usage) ? body.usage : undefined;
  if (api === 'chat') {
    const c = Array.isArray(body.choices) && isRecord(body.choices[0]) && isRecord(body.choices[0].message) ? body.choices[0].message.content : '';
    return { text: typeof c === 'string' ? c : '', usage };
  }
  if (typeof body.output_text === 'string') return { text: body.output_text, usage };
  const parts: string[] = [];
  for (const item of Array.isArray(body.output) ? body.output.filter(isRecord) : []) {
    for (const c of Array.isArray(item.content) ? item.content.filter(isRecord) : []) if (typeof c.text === 'string') parts.push(c.text);
  }
  return { text: parts.join(''), usage };
}

async function usageOf(model: string): Promise<{ requests: number; saved: number }> {
  const q = new URLSearchParams({ from: String(Date.now() - 10 * 60_000), model, resolution: 'minute' });
  const r = await getJson<Json>(`/usage?${q}`);
  const totals = isRecord(r.totals) ? r.totals : {};
  return { requests: Number(totals.requests) || 0, saved: Number(totals.imageBytesSaved) || 0 };
}

/** The Playground page. */
export const playgroundPage: Page = {
  title: 'nav.playground',
  async render(root, signal) {
    let inFlight: AbortController | undefined;
    signal.addEventListener('abort', () => inFlight?.abort());

    const keyInput = h('input', { type: 'password', autocomplete: 'off', spellcheck: 'false', placeholder: clientKey() ? t('play.keySet') : 'sk-…' });
    const keep = h('input', { type: 'checkbox', id: 'play-keep', checked: keptForTab() });
    const keyStatus = h('div', { class: 'help', 'aria-live': 'polite' });
    const modelSelect = h('select', null);
    const systemInput = h('textarea', { rows: 2, placeholder: t('play.systemPlaceholder') });
    systemInput.value = state.system;
    const messageInput = h('textarea', { rows: 4, placeholder: t('play.messagePlaceholder') });
    messageInput.value = state.message;
    const stream = h('input', { type: 'checkbox', id: 'play-stream', checked: state.stream });
    const fileInput = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp,image/gif', id: 'play-image', class: 'visually-hidden' });
    const imageBox = h('div', { class: 'image-box' });
    const output = h('div', { class: 'output', role: 'log', 'aria-live': 'off', 'aria-label': t('play.output'), tabindex: 0 });
    const metaBox = h('div', { class: 'play-meta' });
    const sendBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('send', 16), t('play.send'));
    const stopBtn = h('button', { type: 'button', class: 'btn btn-secondary', disabled: true, onClick: () => inFlight?.abort() }, t('play.stop'));

    const drawKeyStatus = () => {
      keyInput.placeholder = clientKey() ? t('play.keySet') : 'sk-…';
      mount(keyStatus, clientKey() ? h('span', null, t('play.keyHelpSet'), ' ', h('button', { type: 'button', class: 'btn-link', onClick: () => { setClientKey('', false); keep.checked = false; drawKeyStatus(); void loadModels(); } }, t('play.forget'))) : t('play.keyHelp'));
    };

    const loadModels = async () => {
      let ids: string[] = [];
      let note = '';
      if (clientKey()) {
        try {
          const res = await fetch('/v1/models', { headers: { authorization: `Bearer ${clientKey()}` }, signal });
          const body: unknown = await res.json().catch(() => undefined);
          if (res.ok && isRecord(body) && Array.isArray(body.data)) ids = body.data.filter(isRecord).map((m) => String(m.id));
          else note = gatewayError(res.status, body);
        } catch (err) {
          if (signal.aborted) return;
          note = err instanceof Error ? err.message : String(err);
        }
      }
      if (!ids.length) {
        await config.ensure().catch(() => undefined);
        ids = Array.isArray(config.original?.models) ? config.original.models.filter(isRecord).map((m) => String(m.id)) : [];
      }
      if (signal.aborted) return;
      modelSelect.replaceChildren(...ids.map((id) => h('option', { value: id }, id)));
      if (!ids.includes(state.model)) state.model = ids.find((id) => !/embedding|image/i.test(id)) ?? ids[0] ?? '';
      modelSelect.value = state.model;
      if (note) mount(keyStatus, h('span', { class: 'error-text' }, note));
    };

    keyInput.addEventListener('change', () => {
      if (!keyInput.value.trim()) return;
      setClientKey(keyInput.value, keep.checked);
      keyInput.value = '';
      drawKeyStatus();
      void loadModels();
    });
    keep.addEventListener('change', () => setClientKey(clientKey(), keep.checked));
    modelSelect.addEventListener('change', () => (state.model = modelSelect.value));
    systemInput.addEventListener('input', () => (state.system = systemInput.value));
    messageInput.addEventListener('input', () => (state.message = messageInput.value));
    stream.addEventListener('change', () => (state.stream = stream.checked));
    messageInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        form.requestSubmit();
      }
    });

    const drawImage = () => {
      mount(
        imageBox,
        image
          ? h(
              'div',
              { class: 'image-preview' },
              h('img', { src: image.dataUrl, alt: t('play.imageAlt', { name: image.file.name }), width: 96, height: 96 }),
              h('div', null, h('strong', null, image.file.name), h('div', { class: 'muted small' }, `${bytes(image.file.size)} · ${image.width}×${image.height} · ${image.file.type}`), h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onClick: () => { image = undefined; fileInput.value = ''; drawImage(); } }, t('play.removeImage'))),
            )
          : h('label', { for: 'play-image', class: 'btn btn-secondary' }, icon('image', 16), t('play.attach')),
      );
    };
    fileInput.addEventListener('change', () => {
      const file = fileInput.files?.[0];
      if (!file) return;
      void readFile(file).then(async (dataUrl) => {
        image = { file, dataUrl, ...(await dimensions(dataUrl)) };
        drawImage();
      });
    });

    const send = async (e: Event) => {
      e.preventDefault();
      if (!clientKey()) {
        mount(metaBox, alertBox('warn', h('p', null, t('play.needKey'))));
        keyInput.focus();
        return;
      }
      if (!state.model) {
        mount(metaBox, alertBox('warn', h('p', null, t('play.needModel'))));
        return;
      }
      inFlight = new AbortController();
      const api = state.api;
      const model = state.model;
      sendBtn.disabled = true;
      stopBtn.disabled = false;
      output.textContent = '';
      output.setAttribute('aria-busy', 'true');
      mount(metaBox, h('p', { class: 'busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('play.waiting')));
      const before = image ? await usageOf(model).catch(() => undefined) : undefined;
      const started = performance.now();
      let firstByte: number | undefined;
      let usage: Json | undefined;
      let status = 0;
      let requestId = '';
      let events = 0;
      let failure = '';
      try {
        const res = await fetch(api === 'chat' ? '/v1/chat/completions' : '/v1/responses', {
          method: 'POST',
          headers: { authorization: `Bearer ${clientKey()}`, 'content-type': 'application/json', accept: state.stream ? 'text/event-stream' : 'application/json' },
          body: JSON.stringify(requestBody()),
          signal: inFlight.signal,
        });
        status = res.status;
        requestId = res.headers.get('x-request-id') ?? '';
        if (!res.ok || !res.body) {
          const text = await res.text();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON.
          }
          failure = gatewayError(res.status, body);
        } else if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            firstByte ??= performance.now() - started;
            buffer += value;
            let cut: number;
            while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
              const block = buffer.slice(0, cut);
              buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
              const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
              if (!data || data === '[DONE]') continue;
              events++;
              let ev: unknown;
              try {
                ev = JSON.parse(data);
              } catch {
                continue;
              }
              if (!isRecord(ev)) continue;
              if (api === 'chat') {
                const delta = Array.isArray(ev.choices) && isRecord(ev.choices[0]) && isRecord(ev.choices[0].delta) ? ev.choices[0].delta.content : undefined;
                if (typeof delta === 'string') output.append(delta);
                if (isRecord(ev.usage)) usage = ev.usage;
              } else {
                if (ev.type === 'response.output_text.delta' && typeof ev.delta === 'string') output.append(ev.delta);
                if ((ev.type === 'response.completed' || ev.type === 'response.incomplete') && isRecord(ev.response) && isRecord(ev.response.usage)) usage = ev.response.usage;
                if (ev.type === 'error' || ev.type === 'response.failed') failure = JSON.stringify(ev).slice(0, 400);
              }
              if (isRecord(ev.error)) failure = gatewayError(status, ev);
              output.scrollTop = output.scrollHeight;
            }
          }
        } else {
          const body: unknown = await res.json();
          firstByte = performance.now() - started;
          const r = fromJson(api, body);
          output.textContent = r.text;
          usage = r.usage;
        }
      } catch (err) {
        failure = inFlight.signal.aborted ? t('play.stopped') : err instanceof Error ? err.message : String(err);
      }
      const total = performance.now() - started;
      output.removeAttribute('aria-busy');
      sendBtn.disabled = false;
      stopBtn.disabled = true;
      if (signal.aborted) return;

      const prompt = usage ? Number(usage.prompt_tokens ?? usage.input_tokens) : NaN;
      const completion = usage ? Number(usage.completion_tokens ?? usage.output_tokens) : NaN;
      const rows: [string, string][] = [
        [t('play.status'), status ? String(status) : '—'],
        [t('play.firstByte'), firstByte !== undefined ? ms(firstByte) : '—'],
        [t('play.total'), ms(total)],
        [t('play.tokens'), usage ? t('play.tokensValue', { p: num(prompt), c: num(completion) }) : '—'],
        ...(state.stream ? ([[t('play.events'), num(events)]] as [string, string][]) : []),
        ['x-request-id', requestId || '—'],
      ];
      const blocks: HTMLElement[] = [facts(rows)];
      if (failure) blocks.unshift(alertBox('error', h('strong', null, t('play.failed')), h('p', null, failure)));
      if (image && before && !failure) blocks.push(h('div', { class: 'compression', 'aria-live': 'polite' }, h('p', { class: 'busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('play.measuring'))));
      mount(metaBox, ...blocks);
      announce(failure ? t('play.failed') : t('play.done'));
      if (image && before && !failure) {
        const original = image.file.size;
        const box = metaBox.querySelector('.compression');
        // The proxy records usage when the response ends; give it a moment.
        let after = before;
        for (let i = 0; i < 10 && after.requests <= before.requests; i++) {
          await new Promise((r) => setTimeout(r, 300));
          after = await usageOf(model).catch(() => before);
        }
        const saved = after.saved - before.saved;
        const cfg = isRecord(config.original?.server) && isRecord(config.original.server.imageCompression) ? config.original.server.imageCompression : {};
        const threshold = typeof cfg.thresholdBytes === 'number' ? cfg.thresholdBytes : 262_144;
        if (box)
          mount(
            box,
            h('h3', null, t('play.compression')),
            facts([
              [t('play.original'), bytes(original)],
              [t('play.sentUpstream'), saved > 0 ? bytes(Math.max(original - saved, 0)) : bytes(original)],
              [t('play.saved'), saved > 0 ? `${bytes(saved)} (${Math.round((saved / original) * 100)}%)` : '0'],
            ]),
            saved > 0 ? null : h('p', { class: 'help' }, cfg.enabled === false ? t('play.compressionOff') : t('play.notCompressed', { threshold: bytes(threshold) })),
          );
      }
    };

    const form = h(
      'form',
      { class: 'stack-sm', onSubmit: (e: Event) => void send(e) },
      h('div', { class: 'form-grid' },
        h('div', { class: 'field field-md' }, h('label', { for: 'play-key' }, t('play.key')), Object.assign(keyInput, { id: 'play-key' }), keyStatus, h('div', { class: 'check' }, keep, h('label', { for: 'play-keep' }, t('play.keep')))),
        control(t('play.model'), modelSelect),
        h('div', { class: 'field' }, h('span', { class: 'label' }, t('play.api')), segmented(t('play.api'), [{ value: 'chat', label: 'Chat Completions' }, { value: 'responses', label: 'Responses' }], state.api, (v) => (state.api = v))),
        h('div', { class: 'field field-check' }, h('div', { class: 'check' }, stream, h('label', { for: 'play-stream' }, t('play.stream')))),
      ),
      control(t('play.system'), systemInput),
      control(t('play.message'), messageInput, t('play.messageHelp')),
      h('div', { class: 'field' }, h('span', { class: 'label' }, t('play.image')), fileInput, imageBox, h('div', { class: 'help' }, t('play.imageHelp'))),
      h('div', { class: 'button-row' }, sendBtn, stopBtn),
    );

    mount(
      root,
      pageHeader(t('nav.playground'), t('play.lead')),
      h('div', { class: 'grid-2 play' }, card(t('play.request'), form), card(t('play.response'), h('div', null, output, metaBox))),
    );
    drawKeyStatus();
    drawImage();
    await loadModels();
  },
};
