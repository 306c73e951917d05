/**
 * The one JSON Schema for config.json. ajv validates against it (with defaults), TypeScript types
 * are derived from it with TypeBox, and the admin UI fetches it. It accepts the original project's
 * format unchanged (test/fixtures/seed-sample-config.json) and extends it with optional fields.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Route keys a client can call on a model (and that `models[].routes` and `upstreams[].routes` can name). */
export const ROUTE_KEYS = [
  'chat/completions',
  'responses',
  'images/generations',
  'embeddings',
  'completions',
  'images/edits',
  'images/variations',
  'audio/transcriptions',
  'audio/translations',
  'audio/speech',
  'realtime',
] as const;
export type RouteKey = (typeof ROUTE_KEYS)[number];
/** Upstream routes that belong to no model: the resource's stored files and batches. */
export const STORE_ROUTE_KEYS = ['files', 'batches'] as const;
export type StoreRouteKey = (typeof STORE_ROUTE_KEYS)[number];
const ROUTE_KEY_ALTERNATION = ROUTE_KEYS.join('|');

const Ms = (def: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 86_400_000, default: def, description });

/** A hostname (no port, no scheme): letters, digits, dots and dashes; `*.` wildcard allowed. */
export const HOSTNAME_PATTERN =
  '^(?![Ii][Mm][Pp][Oo][Rr][Tt]$)(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)*$';
/**
 * An Azure deployment name: 2 to 64 letters, digits, `-`, `_` or `.`, starting with a letter or digit
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules,
 * Microsoft.CognitiveServices, accounts / deployments). A name Azure cannot have can only fail there.
 */
export const DEPLOYMENT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._\\-]{1,63}$';
const DeploymentName = Type.String({
  minLength: 2,
  maxLength: 64,
  pattern: DEPLOYMENT_NAME_PATTERN,
  // The admin UI words the rule in its own language from this id (admin/ui/src/schema-check.ts).
  patternId: 'deploymentName',
  patternHelp: 'an Azure deployment name: 2 to 64 letters, digits, "-", "_" or ".", starting with a letter or digit',
  description: 'Azure deployment name: 2-64 letters, digits, "-", "_" or ".", starting with a letter or digit',
});
/**
 * A resource endpoint, without the API path: the routes add `/openai/v1/...` (or a classic path), so
 * a base URL that already ends in `/openai` or `/openai/v1` would call `/openai/v1/openai/v1/...`.
 */
export const BASE_URL_PATTERN = '^https?://[^\\s\\{\\}"\'<>\\\\]+$';
/** Paths sent upstream: printable URL characters only, so nothing can break out of a template. */
export const UPSTREAM_PATH_PATTERN = "^/[A-Za-z0-9._~!$&'\\(\\)*+,;=:@%\\/?\\{\\}\\-]*$";
const RouteTarget = Type.String({
  minLength: 1,
  maxLength: 512,
  pattern:
    "^(chat/completions|responses|images/generations|embeddings|/[A-Za-z0-9._~!$&'\\(\\)*+,;=:@%\\/?\\{\\}\\-]*)$",
  description: 'Another route key, or an explicit upstream path starting with / (may contain {deployment})',
});
const RouteMap = Type.Record(Type.String({ pattern: `^(\\*|${ROUTE_KEY_ALTERNATION})$` }), RouteTarget, {
  default: {},
});

/** How the proxy authenticates to an upstream (the original's global `auth` block, or per upstream). */
export const UpstreamAuthSchema = Type.Object(
  {
    mode: Type.Union(
      [
        Type.Literal('defaultAzureCredential'),
        Type.Literal('managedIdentity'),
        Type.Literal('servicePrincipal'),
        Type.Literal('apiKey'),
        Type.Literal('none'),
      ],
      { default: 'defaultAzureCredential' },
    ),
    tenantId: Type.Optional(Type.String({ maxLength: 128 })),
    clientId: Type.Optional(Type.String({ maxLength: 128 })),
    clientSecret: Type.Optional(Type.String({ maxLength: 1024 })),
    managedIdentityClientId: Type.Optional(Type.String({ maxLength: 128 })),
    scope: Type.String({ maxLength: 512, default: 'https://cognitiveservices.azure.com/.default' }),
    apiKey: Type.Optional(Type.String({ maxLength: 1024 })),
    authorityHost: Type.Optional(Type.String({ maxLength: 512, description: 'Entra authority (sovereign clouds)' })),
  },
  { additionalProperties: false },
);

/** Positive whole numbers; an absent limit is no limit. */
const PositiveInt = (description: string) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000_000, description }));

/** Limits of a key or a team (docs/governance.md): minute windows slide, day and month are UTC calendar periods. */
export const LimitsSchema = Type.Object(
  {
    requestsPerMinute: PositiveInt('Requests in any 60 s window'),
    tokensPerMinute: PositiveInt(
      'Tokens (prompt + output) in any 60 s window; reserved before the call from an estimate',
    ),
    tokensPerDay: PositiveInt('Tokens per UTC calendar day'),
    tokensPerMonth: PositiveInt('Tokens per UTC calendar month'),
    maxConcurrent: PositiveInt('Requests in flight at once'),
  },
  { additionalProperties: false },
);

/** A spending cap in `server.currency`. */
export const BudgetSchema = Type.Object(
  {
    amount: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1_000_000_000,
      description: 'Spend at which requests are refused',
    }),
    period: Type.Union([Type.Literal('day'), Type.Literal('month'), Type.Literal('total')], { default: 'month' }),
    alertAt: Type.Array(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }), {
      maxItems: 10,
      default: [0.5, 0.8],
      description: 'Fractions of the budget that raise an alert once per period',
    }),
  },
  { additionalProperties: false },
);

/** Price of a model or target per million tokens, in `server.currency`. */
export const PriceSchema = Type.Object(
  {
    inputPerMillion: Type.Number({ minimum: 0, maximum: 1_000_000 }),
    cachedInputPerMillion: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1_000_000, description: 'Absent: cached input costs the input price' }),
    ),
    outputPerMillion: Type.Number({ minimum: 0, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);

const TeamSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:@\\-]+$' }),
    label: Type.Optional(Type.String({ maxLength: 256 })),
    limits: Type.Optional(LimitsSchema),
    budget: Type.Optional(BudgetSchema),
  },
  { additionalProperties: false },
);

/** An ISO 8601 instant with a time zone, e.g. 2027-01-31T00:00:00Z. */
const INSTANT_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+\\-][0-9]{2}:[0-9]{2})$';
const Instant = (description: string) => Type.String({ maxLength: 40, pattern: INSTANT_PATTERN, description });

const ApiKeySchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:@\\-]+$' }),
    key: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description: 'Plaintext (original format); replaced by keyHash on save',
      }),
    ),
    keyHash: Type.Optional(Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })),
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')], { default: 'active' }),
    label: Type.Optional(Type.String({ maxLength: 256 })),
    models: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
        description: 'Allow-list of model ids; absent = all',
      }),
    ),
    createdAt: Type.Optional(Type.String({ maxLength: 64 })),
    team: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Id of an entry of teams[]' })),
    owner: Type.Optional(Type.String({ maxLength: 256 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 })),
    expiresAt: Type.Optional(Instant('After this instant the key is refused (401 api_key_expired)')),
    limits: Type.Optional(LimitsSchema),
    budget: Type.Optional(BudgetSchema),
    previousKeys: Type.Optional(
      Type.Array(
        Type.Object(
          {
            keyHash: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
            validUntil: Instant('End of the rotation grace period'),
          },
          { additionalProperties: false },
        ),
        { maxItems: 8, description: 'Secrets replaced by a rotation, still accepted until validUntil' },
      ),
    ),
  },
  { additionalProperties: false },
);

const UpstreamSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._\\-]+$' }),
    baseUrl: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: BASE_URL_PATTERN,
      patternId: 'baseUrl',
      patternHelp: 'an http:// or https:// address without spaces, quotes, braces or backslashes',
      description: 'The resource endpoint, e.g. https://my-resource.openai.azure.com (without /openai/v1)',
    }),
    routes: Type.Record(
      Type.String({ pattern: `^(${ROUTE_KEY_ALTERNATION}|${STORE_ROUTE_KEYS.join('|')})$` }),
      Type.String({ pattern: UPSTREAM_PATH_PATTERN, maxLength: 512 }),
      { default: {} },
    ),
    auth: Type.Optional(UpstreamAuthSchema),
    files: Type.Optional(
      Type.Boolean({
        description: 'Store files and batches uploaded through the gateway here (default: the first upstream)',
      }),
    ),
  },
  { additionalProperties: false },
);

const TargetSchema = Type.Object(
  {
    upstream: Type.String({ minLength: 1, maxLength: 128 }),
    targetModel: Type.Optional(DeploymentName),
    priority: Type.Integer({ minimum: 0, maximum: 1000, default: 0 }),
    weight: Type.Integer({ minimum: 0, maximum: 1000, default: 1 }),
    price: Type.Optional(PriceSchema),
  },
  { additionalProperties: false },
);

const ModelSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\s\\/]+$' }),
    upstream: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    targetModel: Type.Optional(DeploymentName),
    routes: RouteMap,
    targets: Type.Optional(Type.Array(TargetSchema, { minItems: 1 })),
    streamUsage: Type.Boolean({
      default: true,
      description: 'Ask the upstream for stream usage (stream_options.include_usage)',
    }),
    dropContentFilterChunks: Type.Optional(
      Type.Boolean({
        description:
          "Remove Azure's content-filter-only stream chunks (choices: [] with prompt_filter_results), which some client libraries cannot parse; off when absent",
      }),
    ),
    ownedBy: Type.Optional(Type.String({ maxLength: 128 })),
    price: Type.Optional(PriceSchema),
    tokenizer: Type.Optional(
      Type.Union([Type.Literal('o200k_base'), Type.Literal('cl100k_base')], {
        description: 'Encoding used to count prompts for token limits; absent: chosen from the deployment name',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Admin roles, least to most (docs/admin-identity.md). */
export const ADMIN_ROLES = ['viewer', 'operator', 'owner'] as const;
const AdminRole = Type.Union(
  ADMIN_ROLES.map((r) => Type.Literal(r)),
  { description: 'viewer: read everything but secrets; operator: keys, teams, models; owner: everything' },
);

/** Sign-in with Entra ID (OpenID Connect, authorization code + PKCE) for the admin (docs/admin-identity.md). */
export const AdminOidcSchema = Type.Object(
  {
    issuer: Type.String({
      minLength: 1,
      maxLength: 512,
      description: 'The tenant issuer, e.g. https://login.microsoftonline.com/<tenant id>/v2.0',
    }),
    clientId: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Application (client) ID of the app registration',
    }),
    clientSecret: Type.Optional(
      Type.String({ maxLength: 1024, description: 'A client secret of the app registration' }),
    ),
    roles: Type.Array(
      Type.Object(
        {
          claim: Type.Union([Type.Literal('roles'), Type.Literal('groups')]),
          value: Type.String({ minLength: 1, maxLength: 256 }),
          role: AdminRole,
        },
        { additionalProperties: false },
      ),
      {
        maxItems: 100,
        default: [
          { claim: 'roles', value: 'Gateway.Owner', role: 'owner' },
          { claim: 'roles', value: 'Gateway.Operator', role: 'operator' },
          { claim: 'roles', value: 'Gateway.Viewer', role: 'viewer' },
        ],
        description: 'An app role (roles claim) or group object ID (groups claim) and the admin role it gives',
      },
    ),
  },
  { additionalProperties: false },
);

const AdminAuthSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    localLogin: Type.Boolean({
      default: true,
      description: 'The local admin account (break-glass); can be turned off once an owner signed in with Entra ID',
    }),
    oidc: Type.Optional(AdminOidcSchema),
    username: Type.String({ minLength: 1, maxLength: 128, default: 'admin' }),
    password: Type.Optional(
      Type.String({ maxLength: 512, description: 'Plaintext (original format); replaced by passwordHash on save' }),
    ),
    passwordHash: Type.Optional(Type.String({ pattern: '^scrypt\\$[A-Za-z0-9+\\/=$:.\\-]+$' })),
  },
  { additionalProperties: false },
);

const CaddySchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Original format; Caddy always runs in this project' })),
    domain: Type.Optional(Type.String({ maxLength: 253, pattern: `(${HOSTNAME_PATTERN})|^$` })),
    domains: Type.Optional(Type.Array(Type.String({ maxLength: 253, pattern: HOSTNAME_PATTERN }), { maxItems: 50 })),
    email: Type.Optional(
      Type.String({ maxLength: 254, pattern: '^([A-Za-z0-9._%+\\-]+@[A-Za-z0-9.\\-]+\\.[A-Za-z]{2,63})?$' }),
    ),
    httpsPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    httpPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    upstreamHost: Type.Optional(
      Type.String({ maxLength: 253, description: 'Ignored: the proxy always listens on 127.0.0.1' }),
    ),
    upstreamPort: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 65535, description: 'Ignored: PROXY_PORT decides' }),
    ),
    timeouts: Type.Object(
      {
        readHeaderMs: Ms(
          10_000,
          'Client → Caddy: TLS handshake and request headers; cuts off slowloris clients (0 = none)',
        ),
        readBodyMs: Ms(
          300_000,
          'Client → Caddy: the whole request, body included; cuts off slow uploads. Responses and streams are not limited (0 = none)',
        ),
        idleMs: Ms(
          120_000,
          "Client → Caddy: an idle keep-alive connection is closed after this (0 = Caddy's default, 5 min)",
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    transport: Type.Object(
      {
        dialTimeoutMs: Ms(5_000, 'Caddy → proxy TCP connect'),
        responseHeaderTimeoutMs: Ms(45_000, 'Raised to at least the proxy headers timeout + 10 s'),
        keepAliveTimeoutMs: Ms(120_000, 'Caddy → proxy idle keep-alive'),
      },
      { additionalProperties: false, default: {} },
    ),
    acme: Type.Optional(
      Type.Object(
        {
          ca: Type.Optional(
            Type.String({
              maxLength: 2048,
              pattern:
                '^(production|staging|https://([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?(/[A-Za-z0-9._~%\\/:@&=+,?!\\-]*)?)$',
            }),
          ),
          caRoot: Type.Optional(
            Type.String({
              maxLength: 1024,
              pattern: '^/[A-Za-z0-9._\\/\\-]+$',
              description: 'PEM file of a custom CA root',
            }),
          ),
          dns: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('azure')])),
          azure: Type.Optional(
            Type.Object(
              {
                subscriptionId: Type.String({
                  maxLength: 64,
                  pattern: '^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})?$',
                }),
                resourceGroupName: Type.String({
                  maxLength: 128,
                  pattern: '^(?![Ii][Mm][Pp][Oo][Rr][Tt]$)([A-Za-z0-9._\\-][A-Za-z0-9._\\(\\)\\-]{0,89})?$',
                }),
                tenantId: Type.Optional(
                  Type.String({
                    maxLength: 64,
                    pattern:
                      '^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[A-Za-z0-9\\-]+(\\.[A-Za-z0-9\\-]+)+)?$',
                  }),
                ),
                clientId: Type.Optional(
                  Type.String({
                    maxLength: 64,
                    pattern: '^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})?$',
                  }),
                ),
                // Rendered into the Caddyfile: no braces, quotes, spaces or newlines.
                clientSecret: Type.Optional(
                  Type.String({
                    maxLength: 1024,
                    pattern: '^(?![Ii][Mm][Pp][Oo][Rr][Tt]$)[A-Za-z0-9._~+\\/=:@?*!\\[\\]\\-]*$',
                  }),
                ),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);

const ImageCompressionSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    maxSize: Type.Integer({ minimum: 16, maximum: 16_384, default: 1600, description: 'Longest side in pixels' }),
    quality: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.85 }),
    format: Type.Union([Type.Literal('jpeg'), Type.Literal('webp'), Type.Literal('png'), Type.Literal('auto')], {
      default: 'jpeg',
    }),
    thresholdBytes: Type.Integer({
      minimum: 0,
      default: 262_144,
      description: 'Images smaller than this are left alone',
    }),
  },
  { additionalProperties: false, default: {} },
);

const PoolSchema = Type.Object(
  {
    // Over HTTP/1.1 every open stream holds one upstream connection, so this is the most
    // concurrent streams per upstream; 1,024 is Azure's default outbound SNAT allocation for a
    // small instance, which bounds connections to one Azure address anyway (docs/configuration.md).
    connections: Type.Integer({
      minimum: 1,
      maximum: 4096,
      default: 1024,
      description: 'Connections per upstream origin, i.e. concurrent requests and streams to it',
    }),
    keepAliveTimeoutMs: Ms(60_000, 'Idle upstream socket kept for'),
    keepAliveMaxTimeoutMs: Ms(300_000, 'Upper bound of a server-advertised keep-alive'),
    headersTimeoutMs: Ms(300_000, 'Legacy alias of firstByteTimeoutMs, used when that is absent'),
    bodyTimeoutMs: Ms(0, 'Legacy alias of idleTimeoutMs, used when that is absent'),
    pipelining: Type.Integer({ minimum: 0, maximum: 1, default: 1 }),
    queueTimeoutMs: Type.Integer({
      minimum: 1,
      maximum: 86_400_000,
      default: 10_000,
      description:
        'Longest wait for a free connection to an upstream when all are busy; then 503 upstream_busy (or the next target)',
    }),
  },
  { additionalProperties: false, default: {} },
);

const UpstreamSettingsSchema = Type.Object(
  {
    connectTimeoutMs: Ms(10_000, 'TCP (and TLS) connect only'),
    requestTimeoutMs: Ms(900_000, 'Whole request, stream, retries and failover included; 0 = none'),
    firstByteTimeoutMs: Type.Optional(
      Ms(300_000, 'Until response headers; Azure sends non-stream headers only after generation'),
    ),
    idleTimeoutMs: Type.Optional(Ms(900_000, 'Longest gap between two body chunks; 0 = none')),
    maxRetries: Type.Integer({ minimum: 0, maximum: 10, default: 0 }),
    retryBaseMs: Ms(800, 'Backoff base'),
    retryMaxMs: Ms(8_000, 'Backoff cap'),
    retryStatuses: Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
      default: [408, 409, 425, 429, 500, 502, 503, 504],
    }),
    circuitBreaker: Type.Object(
      {
        failureThreshold: Type.Integer({
          minimum: 1,
          maximum: 1000,
          default: 5,
          description: "Consecutive failures that open a target's circuit",
        }),
        openMs: Ms(30_000, 'How long an open circuit keeps a target out before one request may test it'),
      },
      { additionalProperties: false, default: {} },
    ),
    rateLimitHeadroom: Type.Object(
      {
        requests: Type.Integer({
          minimum: 0,
          default: 1,
          description: 'x-ratelimit-remaining-requests at or below this counts as nearly exhausted',
        }),
        tokens: Type.Integer({
          minimum: 0,
          default: 1000,
          description: 'x-ratelimit-remaining-tokens at or below this counts as nearly exhausted',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    pool: PoolSchema,
  },
  { additionalProperties: false, default: {} },
);

/** Where replicas share their state (docs/shared-state.md); absent: embedded, as with one replica. */
const SharedStateSchema = Type.Object(
  {
    redis: Type.Optional(
      Type.Object(
        {
          // No credentials in config.json: the access key comes from REDIS_ACCESS_KEY (or REDIS_URL).
          url: Type.String({
            pattern: '^rediss?://[^\\s@\\/]+(/[0-9]{1,2})?$',
            maxLength: 512,
            description: 'redis://host:port or rediss://host:port (TLS), no credentials; REDIS_URL wins over it',
          }),
          auth: Type.Union([Type.Literal('none'), Type.Literal('accessKey'), Type.Literal('entra')], {
            default: 'none',
            description:
              'accessKey: the password from REDIS_ACCESS_KEY (or the URL); entra: a Microsoft Entra ID token',
          }),
          clientId: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 128,
              description: 'Client id of a user-assigned managed identity (entra)',
            }),
          ),
          keyPrefix: Type.String({
            default: 'gw:',
            pattern: '^[A-Za-z0-9:._\\-]{0,64}$',
            description: 'Prepended to every key, so several gateways can share one cache',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    timeoutMs: Type.Integer({
      minimum: 10,
      maximum: 10_000,
      default: 250,
      description: 'Longest a request waits for Redis before it is served with local state',
    }),
  },
  { additionalProperties: false, default: {} },
);

const PromptLogSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'Write prompts and completions of the named keys/models' }),
    keys: Type.Array(Type.String({ maxLength: 128 }), { default: [], description: 'Key ids whose calls are logged' }),
    models: Type.Array(Type.String({ maxLength: 256 }), {
      default: [],
      description: 'Model ids whose calls are logged',
    }),
    redact: Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), {
      default: [],
      maxItems: 100,
      description: 'Regular expressions replaced by [redacted], on top of the built-in secret patterns',
    }),
    maxAgeDays: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 7,
      description: 'Files older than this are removed',
    }),
    maxTotalMiB: Type.Integer({
      minimum: 1,
      maximum: 1_048_576,
      default: 256,
      description: 'Oldest files are removed once all of them together pass this',
    }),
  },
  { additionalProperties: false, default: {} },
);

const TelemetrySchema = Type.Object(
  {
    serviceName: Type.String({ minLength: 1, maxLength: 256, default: 'foundry-gateway-proxy' }),
    otlp: Type.Optional(
      Type.Object(
        {
          endpoint: Type.String({
            pattern: '^https?://[^\\s]+$',
            maxLength: 2048,
            description: 'Collector base URL; /v1/traces and /v1/metrics are added (OTEL_EXPORTER_OTLP_ENDPOINT wins)',
          }),
          protocol: Type.Union([Type.Literal('http/protobuf'), Type.Literal('http/json')], {
            default: 'http/protobuf',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    azureMonitor: Type.Optional(
      Type.Object(
        {
          connectionString: Type.String({
            minLength: 1,
            maxLength: 2048,
            description: 'Application Insights connection string (APPLICATIONINSIGHTS_CONNECTION_STRING wins)',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    metricIntervalMs: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000 }),
    promptLog: PromptLogSchema,
  },
  { additionalProperties: false, default: {} },
);

const ServerSchema = Type.Object(
  {
    host: Type.Optional(Type.String({ maxLength: 253, description: 'Ignored: the proxy listens on 127.0.0.1' })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'Ignored: PROXY_PORT decides' })),
    adminPath: Type.String({ default: '/admin', pattern: '^/admin$', description: 'Fixed at /admin' }),
    adminAuth: Type.Object(AdminAuthSchema.properties, { additionalProperties: false, default: {} }),
    caddy: CaddySchema,
    imageCompression: ImageCompressionSchema,
    upstream: UpstreamSettingsSchema,
    healthKey: Type.Optional(Type.String({ minLength: 16, maxLength: 256, pattern: '^[A-Za-z0-9._~\\-]+$' })),
    bodyLimitBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 1_073_741_824 })),
    telemetry: TelemetrySchema,
    currency: Type.String({
      pattern: '^[A-Z]{3}$',
      default: 'USD',
      description: 'ISO 4217 code of prices and budgets',
    }),
    sharedState: SharedStateSchema,
  },
  { additionalProperties: false, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Integer({ minimum: 1, maximum: 1, default: 1 }),
    server: ServerSchema,
    auth: Type.Object(UpstreamAuthSchema.properties, { additionalProperties: false, default: {} }),
    apiKeys: Type.Array(ApiKeySchema, { default: [] }),
    teams: Type.Array(TeamSchema, { default: [] }),
    upstreams: Type.Array(UpstreamSchema, { default: [] }),
    models: Type.Array(ModelSchema, { default: [] }),
  },
  { additionalProperties: false },
);

/** config.json after validation with defaults applied. */
export type Config = Static<typeof ConfigSchema>;
export type UpstreamAuth = Static<typeof UpstreamAuthSchema>;
export type ApiKeyEntry = Static<typeof ApiKeySchema>;
export type TeamEntry = Static<typeof TeamSchema>;
export type Limits = Static<typeof LimitsSchema>;
export type Budget = Static<typeof BudgetSchema>;
export type Price = Static<typeof PriceSchema>;
export type UpstreamEntry = Static<typeof UpstreamSchema>;
export type ModelEntry = Static<typeof ModelSchema>;
export type ModelTarget = Static<typeof TargetSchema>;
export type ImageCompressionSettings = Static<typeof ImageCompressionSchema>;
export type UpstreamSettings = Static<typeof UpstreamSettingsSchema>;
export type CaddySettings = Static<typeof CaddySchema>;
export type SharedStateSettings = Static<typeof SharedStateSchema>;
export type TelemetrySettings = Static<typeof TelemetrySchema>;
export type PromptLogSettings = Static<typeof PromptLogSchema>;
export type AdminOidcSettings = Static<typeof AdminOidcSchema>;
export type AdminRoleName = (typeof ADMIN_ROLES)[number];
