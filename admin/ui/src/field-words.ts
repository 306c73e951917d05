/**
 * A config path in words, as the form names the field: `/models/2/targets/0/targetModel` is
 * "Model gpt-4o › Target 1 › Deployment". Issues and the review's diff show these words, with the
 * JSON pointer kept only as a detail. Items of a list are named by their `id` / `name` when `root`
 * has them, else by their position.
 */
import { isRecord } from './api.js';
import { t, type MsgKey } from './i18n.js';
import { getAt, pointer, pointerSegments } from './json-pointer.js';

/** The words of a list's item, by list key ("Model {name}"). */
const ITEM: Record<string, MsgKey> = {
  upstreams: 'words.upstream',
  models: 'words.model',
  apiKeys: 'words.key',
  teams: 'words.team',
  targets: 'words.target',
  domains: 'words.domainItem',
};

/** Keys whose label depends on where they are (`name` of an upstream, `id` of a model). */
const IN_CONTEXT: Record<string, MsgKey> = {
  'upstreams.name': 'models.upstreamName',
  'models.id': 'models.modelId',
  'server.caddy': 'nav.domain',
  'server.adminAuth': 'words.adminAuth',
  'caddy.domain': 'domain.primary',
};

/** Field labels of the forms, by key. */
const LABEL: Record<string, MsgKey> = {
  apiKey: 'auth.apiKeyValue',
  authorityHost: 'auth.authorityHost',
  baseUrl: 'models.baseUrl',
  bodyLimitBytes: 'settings.bodyLimit',
  caRoot: 'domain.caRoot',
  clientId: 'auth.clientId',
  clientSecret: 'auth.clientSecret',
  connectTimeoutMs: 'settings.connectTimeout',
  domains: 'domain.domains',
  email: 'domain.email',
  firstByteTimeoutMs: 'settings.firstByteTimeout',
  httpPort: 'domain.httpPort',
  httpsPort: 'domain.httpsPort',
  idleTimeoutMs: 'settings.idleTimeout',
  managedIdentityClientId: 'auth.miClientId',
  maxRetries: 'settings.maxRetries',
  mode: 'models.authMode',
  auth: 'models.authMode',
  ownedBy: 'models.ownedBy',
  priority: 'models.priority',
  requestTimeoutMs: 'settings.requestTimeout',
  retryBaseMs: 'settings.retryBase',
  retryMaxMs: 'settings.retryMax',
  scope: 'auth.scope',
  streamUsage: 'models.streamUsage',
  targetModel: 'models.deployment',
  targets: 'models.targets',
  tenantId: 'auth.tenantId',
  upstream: 'models.upstream',
  upstreams: 'words.upstreams',
  models: 'words.models',
  apiKeys: 'nav.keys',
  teams: 'words.teams',
  server: 'nav.settings',
  routes: 'models.routes',
  username: 'settings.username',
  weight: 'models.weight',
};

function itemName(item: unknown, index: number): string {
  if (typeof item === 'string' && item) return item;
  if (isRecord(item)) {
    if (typeof item.id === 'string' && item.id) return item.id;
    if (typeof item.name === 'string' && item.name) return item.name;
  }
  return String(index + 1);
}

/** The parts of `path` in words, reading item names from `root` (the config the path points into). */
export function fieldWords(path: string, root: unknown): string[] {
  const segs = pointerSegments(path);
  const words: string[] = [];
  segs.forEach((seg, i) => {
    const parent = segs[i - 1];
    if (/^\d+$/.test(seg) && parent !== undefined) {
      const itemKey = ITEM[parent];
      const name = itemName(getAt(root, pointer(...segs.slice(0, i + 1))), Number(seg));
      // The list's own word is replaced by the item's ("Model gpt-4o", not "Models › gpt-4o").
      if (itemKey) words.splice(words.length - 1, 1, t(itemKey, { name }));
      else words.push(`#${Number(seg) + 1}`);
      return;
    }
    const context = IN_CONTEXT[`${segs[i - 2] ?? parent ?? ''}.${seg}`] ?? IN_CONTEXT[`${parent ?? ''}.${seg}`];
    const key = context ?? LABEL[seg];
    words.push(key ? t(key) : seg);
  });
  return words;
}

/** `fieldWords` joined for display ("Model gpt-4o › Deployment"); the whole config is "(whole config)". */
export function fieldPlace(path: string, root: unknown): string {
  const words = fieldWords(path, root);
  return words.length ? words.join(' › ') : t('words.wholeConfig');
}
