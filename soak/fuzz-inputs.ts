/**
 * What the fuzzer sends, as fast-check arbitraries: malformed JSON, wrong types, huge strings,
 * invalid UTF-8, deep nesting, duplicate keys, prototype keys and odd headers, to every public
 * endpoint and the admin API. Secrets never appear in a generated case: placeholders (`<<CLIENT>>`, `<<ADMIN>>`,
 * `<<ETAG>>` …) are filled in when the case is sent, so a case printed in the report is safe to
 * share and replays against any stack.
 */
import fc from 'fast-check';

/** Where a case is sent: through Caddy or straight to the proxy / admin listener. */
export type FuzzDoor = 'caddy' | 'proxy' | 'admin' | 'admin-caddy';

/**
 * A body: bytes, or (admin PUT with the current ETag) overrides merged onto the current config;
 * `raw` values are JSON texts spliced in as they are (nesting too deep for JSON.stringify).
 */
export type FuzzBody =
  | { kind: 'bytes'; data: Buffer }
  | { kind: 'configMerge'; overrides: Record<string, unknown>; raw?: Record<string, string> };

/** One generated request. */
export interface FuzzCase {
  /** Which generator family made it (for the report). */
  family: string;
  door: FuzzDoor;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: FuzzBody;
}

/** Placeholders replaced at send time. */
export const PLACEHOLDER = {
  client: '<<CLIENT>>',
  health: '<<HEALTH>>',
  admin: '<<ADMIN>>',
  etag: '<<ETAG>>',
} as const;

/** The root key that makes every config PUT with the current ETag invalid (additionalProperties: false). */
export const INVALID_MARKER = '__soak_fuzz_invalid';

const MODELS = [
  'gpt-4o-mini',
  'gpt-5-mini',
  'text-embedding-3-small',
  'gpt-image-1',
  'pool',
  'mi-model',
  'no-such-model',
  '',
];

const TEMPLATES: Record<string, () => Record<string, unknown>> = {
  '/v1/chat/completions': () => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
  '/v1/responses': () => ({ model: 'gpt-4o-mini', input: 'hi' }),
  '/v1/images/generations': () => ({ model: 'gpt-image-1', prompt: 'a cat', n: 1, size: '256x256' }),
  '/v1/embeddings': () => ({ model: 'text-embedding-3-small', input: 'hi' }),
};
const POST_PATHS = Object.keys(TEMPLATES);

// Printable ASCII, the only thing an HTTP client may put in a header value.
const headerText = (maxLength: number) =>
  fc.string({ unit: 'grapheme-ascii', maxLength }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);

/** Strings that tend to break things. */
const oddString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff\ud800',
    '\u202e',
    '../../etc/passwd',
    '%00',
    '${jndi:ldap://127.0.0.1/x}',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '{{7*7}}',
    '__proto__',
    'constructor',
    '\r\n\r\nX: y',
  ),
);

// 2 ** 53 + 1 is not a double: raw-numbers below sends such digits as text.
const weirdNumber = fc.constantFrom(0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53, 2 ** 31, 2 ** 53 - 1, 1e-320);
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), oddString, weirdNumber);

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype). */
function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Sets `value` at `path`, creating objects on the way. Only own properties are followed, so a
 * path through `__proto__` or `constructor` builds JSON keys of that name and never reaches (and
 * pollutes) Object.prototype in this process.
 */
function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur: Record<string, unknown> = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i] as string;
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    if (typeof next !== 'object' || next === null) put(cur, k, {});
    cur = cur[k] as Record<string, unknown>;
  }
  put(cur, path[path.length - 1] as string, value);
}

/** Field paths worth mutating in each template (plus a random new key). */
const FIELD_PATHS = [
  ['model'],
  ['messages'],
  ['messages', '0'],
  ['messages', '0', 'content'],
  ['messages', '0', 'role'],
  ['input'],
  ['prompt'],
  ['n'],
  ['size'],
  ['max_tokens'],
  ['stream'],
  ['stream_options'],
  ['temperature'],
  ['tools'],
  ['response_format'],
  ['user'],
  ['metadata'],
  ['encoding_format'],
  ['dimensions'],
];

const mutation = fc.record({
  path: fc.oneof(fc.constantFrom(...FIELD_PATHS), fc.array(fc.oneof(token, oddString), { minLength: 1, maxLength: 3 })),
  value: fc.oneof(jsonish, fc.constant(undefined)),
});

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** Percent-encodes every byte but the unreserved ones (encodeURIComponent throws on lone surrogates). */
function percentEncode(s: string): string {
  let out = '';
  for (const b of utf8(s))
    out += /[A-Za-z0-9._~-]/.test(String.fromCharCode(b))
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** Invalid UTF-8 byte sequences: stray continuation, overlong, surrogate, 5-byte, truncated. */
const badBytes = fc.constantFrom(
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xc3],
);

/** Nested arrays or objects `depth` deep. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A body for a public POST route, by family. */
function publicBody(path: string): fc.Arbitrary<{ family: string; data: Buffer }> {
  const template = TEMPLATES[path] ?? (TEMPLATES['/v1/chat/completions'] as () => Record<string, unknown>);
  const valid = fc
    .constantFrom(...MODELS)
    .map((model) => ({ family: 'valid', data: utf8(JSON.stringify({ ...template(), model })) }));
  const wrongTypes = fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => {
    const body = template();
    for (const m of ms) setPath(body, m.path, m.value);
    return { family: 'wrong-types', data: utf8(JSON.stringify(body) ?? '') };
  });
  const randomJson = fc
    .jsonValue({ maxDepth: 4 })
    .map((v) => ({ family: 'random-json', data: utf8(JSON.stringify(v) ?? 'null') }));
  const malformed = fc
    .tuple(
      fc.nat(),
      fc.constantFrom('', '"', '{', '}', ',', ':', '\\', 'NaN', 'undefined', "'", '\u0000', '/*x*/', '\ufeff'),
      fc.boolean(),
    )
    .map(([at, insert, truncate]) => {
      const text = JSON.stringify(template());
      const i = at % (text.length + 1);
      return {
        family: 'malformed-json',
        data: utf8(truncate ? text.slice(0, i) + insert : text.slice(0, i) + insert + text.slice(i)),
      };
    });
  const huge = fc
    .tuple(
      fc.constantFrom(65_536, 1_048_576, 4_194_304, 12_582_912),
      fc.constantFrom('a', 'é', '😀', '\\u0000', ' '),
      fc.constantFrom(['messages', '0', 'content'], ['input'], ['prompt'], ['model'], ['user'], ['x']),
    )
    .map(([size, ch, p]) => {
      const body = template();
      setPath(body, p, '\u0000MARK');
      const filler = ch.repeat(Math.ceil(size / Buffer.byteLength(ch)));
      return { family: 'huge-string', data: utf8(JSON.stringify(body).replace('\\u0000MARK', filler)) };
    });
  const invalidUtf8 = fc
    .tuple(badBytes, fc.constantFrom('model', 'content', 'input', 'prompt', 'key'))
    .map(([bytes, where]) => {
      const text = JSON.stringify({ ...template(), key: 'v' });
      const needle = `"${where}":"`;
      const at = text.indexOf(needle);
      const i = at >= 0 ? at + needle.length : 1;
      return {
        family: 'invalid-utf8',
        data: Buffer.concat([utf8(text.slice(0, i)), Buffer.from(bytes), utf8(text.slice(i))]),
      };
    });
  const deep = fc
    .tuple(
      fc.constantFrom(64, 1_000, 10_000, 100_000),
      fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>,
      fc.constantFrom('whole', 'content', 'metadata', 'tools', 'input'),
    )
    .map(([depth, kind, where]) => {
      if (where === 'whole') return { family: 'deep-nesting', data: utf8(deepJson(depth, kind)) };
      const body = template();
      setPath(body, where === 'content' ? ['messages', '0', 'content'] : [where], '\u0000DEEP');
      return {
        family: 'deep-nesting',
        data: utf8(JSON.stringify(body).replace('"\\u0000DEEP"', deepJson(depth, kind))),
      };
    });
  const proto = fc
    .constantFrom(
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"__proto__":null}',
      '{"toString":1,"valueOf":2,"hasOwnProperty":3}',
    )
    .map((extra) => {
      const text = JSON.stringify(template());
      return { family: 'proto-keys', data: utf8(`${text.slice(0, -1)},${extra.slice(1)}`) };
    });
  const empty = fc
    .constantFrom('', ' ', '\n', 'null', '[]', '""', '0', 'true', '{}', '{"model":null}')
    .map((t) => ({ family: 'empty-ish', data: utf8(t) }));
  const rawNumbers = fc
    .constantFrom(
      '1e999',
      '-1e999',
      '1' + '0'.repeat(400),
      '0.' + '0'.repeat(400) + '1',
      '-0',
      '123456789012345678901234567890',
    )
    .map((n) => {
      const text = JSON.stringify({ ...template(), max_tokens: 0, n: 0 });
      return {
        family: 'raw-numbers',
        data: utf8(text.replace('"max_tokens":0', `"max_tokens":${n}`).replace('"n":0', `"n":${n}`)),
      };
    });
  // A top-level field twice, plain or spelled with a \u escape (JSON decodes both to the same key):
  // an allow-list and Azure reading different copies would let a key use another deployment.
  const fields = Object.keys(template());
  const duplicate = fc.tuple(fc.constantFrom(...fields), fc.boolean(), fc.boolean()).map(([key, escaped, first]) => {
    const spelled = escaped ? `\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${key.slice(1)}` : key;
    const value = key === 'model' ? '"gpt-5-mini"' : JSON.stringify(template()[key]);
    const text = JSON.stringify(template());
    const extra = `"${spelled}":${value}`;
    return {
      family: 'duplicate-keys',
      data: utf8(first ? `{${extra},${text.slice(1)}` : `${text.slice(0, -1)},${extra}}`),
    };
  });
  return fc.oneof(
    { arbitrary: valid, weight: 2 },
    { arbitrary: duplicate, weight: 2 },
    { arbitrary: wrongTypes, weight: 5 },
    { arbitrary: randomJson, weight: 2 },
    { arbitrary: malformed, weight: 3 },
    { arbitrary: huge, weight: 1 },
    { arbitrary: invalidUtf8, weight: 2 },
    { arbitrary: deep, weight: 2 },
    { arbitrary: proto, weight: 1 },
    { arbitrary: empty, weight: 1 },
    { arbitrary: rawNumbers, weight: 1 },
  );
}

/** Path segments that test routing and decoding. */
const pathId = fc.oneof(
  fc.constantFrom(
    'gpt-4o-mini',
    'resp_0123456789abcdef',
    'x',
    '..',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '%00',
    '%ff%fe',
    '%',
    '%zz',
    'a'.repeat(5_000),
    '%E2%80%AE',
    '..%5c..%5cwindows',
    'caddy',
    'config.json',
  ),
  oddString.map((s) => percentEncode(s) || 'empty'),
);
const querySuffix = fc.oneof(
  { arbitrary: fc.constant(''), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      '?api-version=2024-10-21',
      '?__proto__[polluted]=1',
      '?a=1&a=2',
      `?q=${'a'.repeat(3_000)}`,
      '?%zz=1',
      '?model=%00',
    ),
    weight: 2,
  },
  { arbitrary: oddString.map((s) => `?x=${percentEncode(s)}`), weight: 1 },
);
const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

const publicAuth = fc.oneof(
  { arbitrary: fc.constant({ authorization: `Bearer ${PLACEHOLDER.client}` }), weight: 8 },
  { arbitrary: fc.constant({}), weight: 1 },
  { arbitrary: fc.constant({ authorization: 'Bearer sk-gw-wrong-key-0000000000' }), weight: 1 },
  { arbitrary: fc.constant({ authorization: `Bearer ${PLACEHOLDER.health}` }), weight: 1 },
  {
    arbitrary: fc.constantFrom(8_000, 15_000, 40_000).map((n) => ({ authorization: `Bearer ${'k'.repeat(n)}` })),
    weight: 1,
  },
  { arbitrary: fc.constant({ 'api-key': PLACEHOLDER.client }), weight: 1 },
  { arbitrary: fc.constant({ 'x-api-key': PLACEHOLDER.client }), weight: 1 },
  {
    arbitrary: fc
      .constantFrom(
        'Bearer',
        'Bearer  ',
        `bearer ${PLACEHOLDER.client}`,
        'Basic Zm9vOmJhcg==',
        `Bearer ${PLACEHOLDER.client} extra`,
        'Negotiate x',
      )
      .map((v) => ({ authorization: v })),
    weight: 1,
  },
);

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      '',
      'text/plain',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/x-www-form-urlencoded',
      'application/vnd.api+json',
      'multipart/form-data; boundary=zzz',
      'APPLICATION/JSON',
      'application/json, text/plain',
    ),
    weight: 2,
  },
  { arbitrary: headerText(40), weight: 1 },
);

/** 0–3 odd headers (never x-sim-*: those choose the simulator's behaviour, not a client mistake). */
const oddHeaders = fc
  .array(
    fc.oneof(
      headerText(200).map((v) => ['x-request-id', v] as const),
      fc.constantFrom('a'.repeat(300), 'id with spaces', '../../x', '').map((v) => ['x-request-id', v] as const),
      headerText(30).map((v) => ['accept', v] as const),
      fc.constantFrom('gzip, deflate, br', 'identity;q=0', '*', 'zstd').map((v) => ['accept-encoding', v] as const),
      fc.constantFrom('gzip', 'br', 'deflate', 'bogus').map((v) => ['content-encoding', v] as const),
      headerText(60).map((v) => ['x-forwarded-for', v] as const),
      fc.constantFrom('http', 'https', 'gopher', '').map((v) => ['x-forwarded-proto', v] as const),
      fc.constantFrom(2_000, 8_000).map((n) => ['user-agent', 'u'.repeat(n)] as const),
      headerText(60).map((v) => ['x-stainless-lang', v] as const),
      fc.constantFrom('https://evil.example', 'null', 'https://localhost').map((v) => ['origin', v] as const),
      fc.constantFrom('bytes=0-1', 'bytes=-1', 'bytes=9999999-').map((v) => ['range', v] as const),
      fc.constantFrom('trailers', 'gzip').map((v) => ['te', v] as const),
      headerText(80).map((v) => ['cookie', v] as const),
      fc.tuple(
        token.filter(
          (t) =>
            !t.startsWith('x-sim') &&
            !['host', 'content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'keep-alive'].includes(
              t,
            ),
        ),
        headerText(100),
      ),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

const publicPaths = fc.oneof(
  { arbitrary: fc.constantFrom(...POST_PATHS).map((p) => ({ method: 'POST', path: p })), weight: 8 },
  {
    arbitrary: fc.constantFrom('/v1/models', '/healthz', '/readyz').map((p) => ({ method: 'GET', path: p })),
    weight: 2,
  },
  { arbitrary: pathId.map((id) => ({ method: 'GET', path: `/v1/models/${id}` })), weight: 1 },
  {
    arbitrary: fc
      .tuple(pathId, fc.constantFrom(['GET', ''], ['DELETE', ''], ['POST', '/cancel'], ['GET', '/input_items']))
      .map(([id, [m, tail]]) => ({ method: m as string, path: `/v1/responses/${id}${tail as string}` })),
    weight: 1,
  },
  {
    arbitrary: fc
      .tuple(
        anyMethod,
        fc.constantFrom(
          ...POST_PATHS,
          '/v1/models',
          '/healthz',
          '/readyz',
          '/v1',
          '/v1/',
          '/v1//chat/completions',
          '/v1/chat/completions/',
          '/V1/MODELS',
          '/internal/stats',
          '/metrics',
        ),
      )
      .map(([m, p]) => ({ method: m, path: p })),
    weight: 2,
  },
);

/** A case for a public endpoint, through Caddy or straight to the proxy. */
export const publicCase: fc.Arbitrary<FuzzCase> = fc
  .tuple(fc.constantFrom<FuzzDoor>('caddy', 'proxy'), publicPaths, querySuffix, publicAuth, contentType, oddHeaders)
  .chain(([door, { method, path }, query, auth, type, odd]) => {
    const withBody = method !== 'GET' && method !== 'HEAD';
    const body: fc.Arbitrary<{ family: string; data: Buffer } | undefined> = withBody
      ? POST_PATHS.includes(path)
        ? publicBody(path)
        : fc.oneof(fc.constant(undefined), publicBody('/v1/chat/completions'))
      : fc.constant(undefined);
    return body.map((b): FuzzCase => ({
      family: `public/${b?.family ?? 'no-body'}`,
      door,
      method,
      path: path + query,
      headers: { ...(type ? { 'content-type': type } : {}), ...odd, ...auth },
      ...(b ? { body: { kind: 'bytes', data: b.data } } : {}),
    }));
  });

const ADMIN_ROUTES: Array<{ method: string; path: fc.Arbitrary<string> }> = [
  { method: 'GET', path: fc.constant('/admin/api/config') },
  { method: 'PUT', path: fc.constant('/admin/api/config') },
  { method: 'GET', path: fc.constant('/admin/api/schema') },
  { method: 'POST', path: fc.constant('/admin/api/reload') },
  { method: 'GET', path: fc.constant('/admin/api/keys') },
  { method: 'POST', path: fc.constant('/admin/api/keys') },
  { method: 'POST', path: pathId.map((id) => `/admin/api/keys/fuzz-${id}/revoke`) },
  { method: 'DELETE', path: pathId.map((id) => `/admin/api/keys/fuzz-${id}`) },
  { method: 'GET', path: querySuffix.map((q) => `/admin/api/usage${q}`) },
  {
    method: 'GET',
    path: fc
      .constantFrom(
        '?from=abc',
        '?from=-1&to=1e99',
        '?resolution=second',
        '?model=%00',
        '?key=__proto__',
        `?target=${'t'.repeat(2000)}`,
      )
      .map((q) => `/admin/api/usage${q}`),
  },
  { method: 'GET', path: fc.constant('/admin/api/targets') },
  {
    method: 'GET',
    path: fc
      .constantFrom(
        '',
        '?source=caddy',
        '?source=proxy&level=error',
        '?source=nope',
        '?level=99',
        '?level=x',
        '?limit=-5',
        '?limit=1e9',
        '?q=%00',
        '?source=caddy&q=authorization',
      )
      .map((q) => `/admin/api/logs${q}`),
  },
  { method: 'GET', path: fc.constant('/admin/api/caddy/status') },
  { method: 'GET', path: fc.constant('/admin/api/dns-providers') },
  {
    method: 'POST',
    path: fc
      .oneof(pathId, fc.constantFrom('simulator', 'storm', 'mi', 'no-such'))
      .map((n) => `/admin/api/upstreams/${n}/verify`),
  },
  { method: 'GET', path: fc.constant('/admin/api/version') },
  { method: 'GET', path: fc.constantFrom('/admin', '/admin/', '/admin/index.html') },
  { method: 'GET', path: pathId.map((id) => `/admin/assets/${id}`) },
  {
    method: 'GET',
    path: fc.constantFrom(
      '/admin/assets/../../config.json',
      '/admin/assets/%2e%2e/%2e%2e/config.json',
      '/admin/assets/..%2f..%2f..%2fdata%2fconfig.json',
      '/admin/../data/config.json',
      '/admin/api/../../etc/passwd',
    ),
  },
  { method: 'GET', path: pathId.map((id) => `/admin/api/${id}`) },
];

const adminBadAuth = fc.constantFrom<Record<string, string>>(
  {},
  { authorization: `Basic ${Buffer.from('admin:wrong-password').toString('base64')}` },
  { authorization: 'Basic !!!not-base64!!!' },
  { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
  { authorization: `Basic ${Buffer.from(`admin:${'p'.repeat(5_000)}`).toString('base64')}` },
  { authorization: `Bearer ${PLACEHOLDER.client}` },
  { authorization: 'Basic ' },
);

/** Bodies for the admin API: random families, or (PUT with the current ETag) overrides made invalid by INVALID_MARKER. */
const adminBody = fc.oneof(
  publicBody('/v1/chat/completions').map((b) => ({
    family: b.family,
    body: { kind: 'bytes', data: b.data } as FuzzBody,
  })),
  fc
    .record(
      {
        label: fc.oneof(oddString, jsonish),
        models: fc.oneof(fc.array(oddString, { maxLength: 3 }), jsonish),
        id: fc.oneof(oddString, jsonish),
      },
      { requiredKeys: [] },
    )
    .map((o) => ({ family: 'key-fields', body: { kind: 'bytes', data: utf8(JSON.stringify(o)) } as FuzzBody })),
);
const configOverrides = fc
  .dictionary(fc.constantFrom('version', 'server', 'auth', 'apiKeys', 'upstreams', 'models', '$schema'), jsonish, {
    maxKeys: 3,
  })
  .map((o) => ({ family: 'config-wrong-types', body: { kind: 'configMerge', overrides: o } as FuzzBody }));

/** A case for the admin API. Bad logins go straight to the admin listener from a made-up client address (X-Forwarded-For from 127.0.0.1 is trusted), so the login throttle never blocks the suite's own address. */
export const adminCase: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.constantFrom(...ADMIN_ROUTES),
    fc.nat({ max: 9 }),
    fc.nat({ max: 9 }),
    contentType,
    fc.nat({ max: 7 }),
    fc.constantFrom(undefined, 'https://evil.example', 'null', 'same'),
    fc.constantFrom(undefined, 'cross-site', 'same-site', 'same-origin'),
    fc.nat({ max: 19 }),
    fc.boolean(),
  )
  .chain(([route, authRoll, doorRoll, type, ip, origin, fetchSite, methodRoll, withIfMatch]) =>
    fc
      .tuple(route.path, adminBadAuth, adminBody, configOverrides, anyMethod, headerText(40))
      .map(([path, bad, body, merge, randomMethod, staleTag]): FuzzCase => {
        const goodAuth = authRoll < 8;
        const door: FuzzDoor = goodAuth && doorRoll < 3 ? 'admin-caddy' : 'admin';
        const method = methodRoll === 0 ? randomMethod : route.method;
        const headers: Record<string, string> = { ...(goodAuth ? { authorization: PLACEHOLDER.admin } : bad) };
        if (!goodAuth) headers['x-forwarded-for'] = `198.18.0.${ip + 1}`;
        if (type) headers['content-type'] = type;
        if (origin) headers.origin = origin === 'same' ? 'https://localhost' : origin;
        if (fetchSite) headers['sec-fetch-site'] = fetchSite;
        const writes = method !== 'GET' && method !== 'HEAD';
        let chosen: { family: string; body: FuzzBody } | undefined = writes ? body : undefined;
        if (method === 'PUT' && path === '/admin/api/config' && withIfMatch) {
          headers['if-match'] = PLACEHOLDER.etag;
          chosen = merge;
        } else if (writes && withIfMatch) {
          // Never `*` or a list that contains it: a stale tag must stay stale (If-Match "*" would apply).
          headers['if-match'] = `"stale-${staleTag.replace(/[^A-Za-z0-9-]/g, '')}"`;
        }
        return {
          family: `admin/${chosen?.family ?? 'no-body'}${goodAuth ? '' : '/bad-login'}`,
          door,
          method,
          path,
          headers,
          ...(chosen ? { body: chosen.body } : {}),
        };
      }),
  );

/** The whole mix: about two public cases for every admin case. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { arbitrary: publicCase, weight: 2 },
  { arbitrary: adminCase, weight: 1 },
);

/** Cases that must always run, whatever the seed: the body limit and the deepest nesting on every door. */
export function fixedCases(bodyLimitBytes: number): FuzzCase[] {
  const over = Buffer.concat([
    utf8('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'),
    Buffer.alloc(bodyLimitBytes + 1024, 0x61),
    utf8('"}]}'),
  ]);
  const cases: FuzzCase[] = [];
  for (const door of ['caddy', 'proxy'] as const) {
    cases.push({
      family: 'fixed/over-body-limit',
      door,
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${PLACEHOLDER.client}`, 'content-type': 'application/json' },
      body: { kind: 'bytes', data: over },
    });
    for (const path of POST_PATHS) {
      cases.push({
        family: 'fixed/deep-nesting',
        door,
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${PLACEHOLDER.client}`, 'content-type': 'application/json' },
        body: {
          kind: 'bytes',
          data: utf8(
            JSON.stringify({ ...TEMPLATES[path]?.(), metadata: 0 }).replace(
              '"metadata":0',
              `"metadata":${deepJson(200_000, 'array')}`,
            ),
          ),
        },
      });
      // The model named twice: first the allowed one, then another.
      const text = JSON.stringify(TEMPLATES[path]?.() ?? {});
      cases.push({
        family: 'fixed/duplicate-model',
        door,
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${PLACEHOLDER.client}`, 'content-type': 'application/json' },
        body: { kind: 'bytes', data: utf8(`${text.slice(0, -1)},"model":"no-such-model"}`) },
      });
    }
  }
  for (const door of ['admin', 'admin-caddy'] as const) {
    cases.push({
      family: 'fixed/admin-deep-nesting',
      door,
      method: 'PUT',
      path: '/admin/api/config',
      headers: { authorization: PLACEHOLDER.admin, 'content-type': 'application/json', 'if-match': PLACEHOLDER.etag },
      body: { kind: 'configMerge', overrides: {}, raw: { models: deepJson(100_000, 'array') } },
    });
    cases.push({
      family: 'fixed/admin-deep-nesting',
      door,
      method: 'POST',
      path: '/admin/api/keys',
      headers: { authorization: PLACEHOLDER.admin, 'content-type': 'application/json', 'if-match': '"stale"' },
      body: { kind: 'bytes', data: utf8(`{"label":"x","models":${deepJson(200_000, 'array')}}`) },
    });
    cases.push({
      family: 'fixed/admin-over-limit',
      door,
      method: 'PUT',
      path: '/admin/api/config',
      headers: { authorization: PLACEHOLDER.admin, 'content-type': 'application/json', 'if-match': PLACEHOLDER.etag },
      body: { kind: 'bytes', data: Buffer.concat([utf8('{"x":"'), Buffer.alloc(5 * 1024 * 1024, 0x61), utf8('"}')]) },
    });
  }
  return cases;
}
