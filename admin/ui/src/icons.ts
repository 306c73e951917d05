/** The UI's icons: simple 24×24 stroke paths drawn for it, inline SVG (no sprite, no font). */
import { s } from './dom.js';

const ICONS = {
  overview: ['M3 13h8V3H3z', 'M13 21h8V11h-8z', 'M3 21h8v-6H3z', 'M13 9h8V3h-8z'],
  usage: ['M4 20V10', 'M10 20V4', 'M16 20v-7', 'M22 20H2'],
  models: ['M12 2l9 5-9 5-9-5z', 'M3 12l9 5 9-5', 'M3 17l9 5 9-5'],
  keys: ['M15 7a4 4 0 1 1-3.9 4.9L3 20v-3h3v-3h3l1.1-1.1A4 4 0 0 1 15 7z'],
  teams: [
    'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
    'M2 21v-1a7 7 0 0 1 14 0v1',
    'M16 3.5a4 4 0 0 1 0 7.5',
    'M18.5 14a6 6 0 0 1 3.5 6v1',
  ],
  audit: ['M12 2l8 3v6c0 5-3.4 9.3-8 11-4.6-1.7-8-6-8-11V5z', 'M8.5 12l2.5 2.5 4.5-5'],
  domain: ['M7 11V7a5 5 0 0 1 10 0v4', 'M5 11h14v10H5z', 'M12 15v2'],
  logs: ['M4 5h16', 'M4 10h16', 'M4 15h10', 'M4 20h7'],
  playground: ['M5 3l14 9-14 9z'],
  access: ['M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M4 21a8 8 0 0 1 16 0'],
  settings: [
    'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
    'M12 2v3',
    'M12 19v3',
    'M2 12h3',
    'M19 12h3',
    'M4.9 4.9l2.1 2.1',
    'M17 17l2.1 2.1',
    'M4.9 19.1L7 17',
    'M17 7l2.1-2.1',
  ],
  menu: ['M3 6h18', 'M3 12h18', 'M3 18h18'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  check: ['M4 12l5 5L20 6'],
  alert: ['M12 3l10 18H2z', 'M12 10v4', 'M12 17v.5'],
  refresh: ['M20 11a8 8 0 1 0-2.3 5.7', 'M20 4v7h-7'],
  download: ['M12 3v12', 'M7 10l5 5 5-5', 'M4 21h16'],
  plus: ['M12 5v14', 'M5 12h14'],
  edit: ['M4 20h4L19 9l-4-4L4 16z', 'M13.5 6.5l4 4'],
  trash: ['M4 7h16', 'M10 11v6', 'M14 11v6', 'M6 7l1 13h10l1-13', 'M9 7V4h6v3'],
  image: ['M3 5h18v14H3z', 'M3 16l5-5 4 4 3-3 6 6', 'M15.5 9.5a1 1 0 1 0 0-.01'],
  send: ['M3 11l18-8-8 18-2-8z'],
  globe: ['M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20z', 'M2 12h20', 'M12 2a15 15 0 0 1 0 20', 'M12 2a15 15 0 0 0 0 20'],
} as const;

/** The name of an icon. */
export type IconName = keyof typeof ICONS;

/** A small inline icon (decorative: aria-hidden). */
export function icon(name: IconName, size = 18): SVGSVGElement {
  return s(
    'svg',
    { class: 'icon', width: size, height: size, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' },
    ...ICONS[name].map((d) => s('path', { d })),
  );
}
