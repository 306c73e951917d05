/** What the Playground says about a request: what is missing, waiting, or its figures and failure. */
import { alertBox, busy } from '../../components/alerts.js';
import { facts } from '../../components/table.js';
import { component, type Self } from '../../component.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';

/** The state of the meta box. */
export type MetaView =
  | { kind: 'none' }
  | { kind: 'needKey' }
  | { kind: 'needModel' }
  | { kind: 'waiting' }
  | { kind: 'done'; rows: [string, string][]; failure: string; compression: boolean };

interface MetaProps {
  /** The compression box, kept across requests (a live region). */
  compression: HTMLElement;
}

function PlayMeta({ compression }: MetaProps, self: Self<{ view: MetaView }>): Child {
  const { view } = self.state;
  switch (view.kind) {
    case 'none':
      return null;
    case 'needKey':
      return alertBox('warn', h('p', null, t('play.needKey')));
    case 'needModel':
      return alertBox('warn', h('p', null, t('play.needModel')));
    case 'waiting':
      return busy(t('play.waiting'));
    case 'done':
      return [
        view.failure ? alertBox('error', h('strong', null, t('play.failed')), h('p', null, view.failure)) : null,
        facts(view.rows),
        view.compression ? compression : null,
      ];
  }
}

/** The meta box, with the compression box it shows after a request with an image. */
export function playMeta(compression: HTMLElement): Self<{ view: MetaView }> {
  return component(h('div', { class: 'play-meta' }), PlayMeta, { compression }, { view: { kind: 'none' } });
}
