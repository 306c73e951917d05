/**
 * The first-run / upgrade step (docs/architecture.md, "The init step"), run by the entry script before
 * supervisord: seed DATA_DIR from data-skel without overwriting, migrate an original-format
 * config (hash keys, replace well-known admin passwords), generate missing secrets and write
 * them once to first-run.txt, and always re-render the Caddyfile.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { removeOrphanedTempFiles, writeFileAtomic } from '../common/atomic-write.js';
import { validateConfig } from '../common/config/validate.js';
import { ConfigInvalidError, type ConfigIssue } from '../common/config/errors.js';
import { lastGoodFile, loadLastGood } from '../common/config/last-good.js';
import { jsonErrorPosition } from '../common/config/load.js';
import type { RuntimeEnv } from '../common/runtime-env.js';
import { randomSecret } from '../common/password-hash.js';
import { hashPlaintextSecrets } from '../admin/config/secrets.js';
import { CADDYFILE_MARKER, CaddyfileRenderError, renderCaddyfile } from '../admin/caddy/caddyfile-render.js';
import { caddyRenderEnv } from '../admin/caddy/render-env.js';
import { addSimulator } from './init-simulator.js';

/** Admin passwords the original project shipped; they never survive an upgrade. */
const WELL_KNOWN_PASSWORDS = new Set(['admin', 'change-me', 'changeme', 'password', 'CHANGEME']);

export interface InitOptions {
  runtime: RuntimeEnv;
  skelDir: string;
  env: NodeJS.ProcessEnv;
  dnsModules: string[];
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

/** What init did; `generated` holds clear secrets to print once. */
export interface InitResult {
  seeded: string[];
  generated: Record<string, string>;
  firstRunFile: string | undefined;
  configChanged: boolean;
  legacyCaddyfile: string | undefined;
  /** Why config.json could not be used, when init started from the last good config instead. */
  brokenConfig?: ConfigIssue[];
  /** Temp files of writes a kill cut short, removed from DATA_DIR. */
  orphansRemoved: string[];
}

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (parent: Json, key: string): Json => {
  const v = parent[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  const created: Json = {};
  parent[key] = created;
  return created;
};

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

/** Copies every file of `skel` into `data` that is not there yet; returns what it copied. */
export async function seedDataDir(skel: string, data: string): Promise<string[]> {
  const copied: string[] = [];
  await fs.mkdir(data, { recursive: true });
  for (const entry of await fs.readdir(skel, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const rel = path.relative(skel, path.join(entry.parentPath, entry.name));
    const target = path.join(data, rel);
    if (await exists(target)) continue;
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(path.join(skel, rel), target, fs.constants.COPYFILE_EXCL);
    copied.push(rel);
  }
  return copied;
}

/** Fills in what a working gateway needs; records generated clear values in `generated`. */
function completeConfig(
  config: Json,
  env: NodeJS.ProcessEnv,
  generated: Record<string, string>,
  log: InitOptions['log'],
): void {
  const server = obj(config, 'server');
  const adminAuth = obj(server, 'adminAuth');
  if (adminAuth.enabled !== false) {
    const pw = adminAuth.password;
    if (typeof pw === 'string' && WELL_KNOWN_PASSWORDS.has(pw)) {
      log.warn({}, 'the admin password was a well-known default; a random one replaces it (see first-run.txt)');
      delete adminAuth.password;
    }
    if (!adminAuth.password && !adminAuth.passwordHash) {
      generated.adminUser = typeof adminAuth.username === 'string' ? adminAuth.username : 'admin';
      adminAuth.username = generated.adminUser;
      generated.adminPassword = randomSecret('', 18);
      adminAuth.password = generated.adminPassword;
    }
  }
  if (!server.healthKey) server.healthKey = randomSecret('hk-', 24);
  if (!Array.isArray(config.apiKeys) || config.apiKeys.length === 0) {
    generated.clientKey = randomSecret('sk-gw-', 24);
    config.apiKeys = [
      {
        id: 'default',
        key: generated.clientKey,
        status: 'active',
        label: 'created on first run',
        createdAt: new Date().toISOString(),
      },
    ];
  }
  const caddy = obj(server, 'caddy');
  const hasDomain =
    (typeof caddy.domain === 'string' && caddy.domain !== '') ||
    (Array.isArray(caddy.domains) && caddy.domains.length > 0);
  if (!hasDomain && env.DOMAIN) caddy.domain = env.DOMAIN.trim();
  if (!caddy.email && env.ACME_EMAIL) caddy.email = env.ACME_EMAIL.trim();
}

async function writeFirstRun(file: string, generated: Record<string, string>): Promise<void> {
  const lines = [`# Written by init on ${new Date().toISOString()}. Shown once; keep it safe, then delete this file.`];
  if (generated.adminPassword)
    lines.push(`admin user: ${generated.adminUser ?? 'admin'}`, `admin password: ${generated.adminPassword}`);
  if (generated.clientKey) lines.push(`client API key: ${generated.clientKey}`);
  await fs.appendFile(file, `${lines.join('\n')}\n\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600).catch(() => undefined);
}

/** config.json made ready by init: the text to write and the Caddyfile rendered from it. */
interface Prepared {
  nextText: string;
  rendered: string;
  generated: Record<string, string>;
}

async function prepare(text: string, opts: InitOptions): Promise<Prepared> {
  const { runtime, env, log } = opts;
  let raw: Json;
  try {
    raw = JSON.parse(text) as Json;
  } catch (err) {
    throw new ConfigInvalidError([{ path: '', message: `is not valid JSON (${jsonErrorPosition(text, err)})` }]);
  }
  const generated: Record<string, string> = {};
  completeConfig(raw, env, generated, log);
  if (env.SIMULATOR === '1') addSimulator(raw, env);
  const hashed = await hashPlaintextSecrets(raw);
  const result = validateConfig(hashed);
  if (!result.ok) throw new ConfigInvalidError(result.issues);
  // Render before writing anything: a config that cannot be rendered stops init with the files
  // untouched (CaddyfileRenderError lists the problems like a schema error).
  const rendered = renderCaddyfile(result.config, caddyRenderEnv(runtime, opts.dnsModules, env));
  return { nextText: `${JSON.stringify(hashed, null, 2)}\n`, rendered, generated };
}

/**
 * `config.json.bak` without clear client keys or admin password: the copy of an original-format
 * config that an upgrade replaced had them (earlier versions of init kept it as it was). The rest
 * stays as it was; a well-known admin password is dropped rather than hashed.
 */
async function scrubBackup(file: string, log: InitOptions['log']): Promise<void> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return;
  }
  if (!isJson(raw)) return;
  const adminAuth = isJson(raw.server) ? raw.server.adminAuth : undefined;
  if (isJson(adminAuth) && typeof adminAuth.password === 'string' && WELL_KNOWN_PASSWORDS.has(adminAuth.password))
    delete adminAuth.password;
  const scrubbed = await hashPlaintextSecrets(raw);
  const next = `${JSON.stringify(scrubbed, null, 2)}\n`;
  if (JSON.stringify(scrubbed) === JSON.stringify(JSON.parse(text))) return;
  await writeFileAtomic(file, next, { mode: 0o600 });
  log.warn({ file }, 'clear client keys and admin password in the config backup were replaced by hashes');
}

/**
 * Runs the init step. A config.json that cannot be used gives way to the last good config (kept
 * by the proxy) for the Caddyfile, with config.json left as it is for the admin to repair; with
 * no last good config either, throws ConfigInvalidError or CaddyfileRenderError.
 */
export async function runInit(opts: InitOptions): Promise<InitResult> {
  const { runtime, env, log } = opts;
  await fs.mkdir(runtime.runDir, { recursive: true });
  await fs.mkdir(path.join(runtime.dataDir, 'caddy'), { recursive: true });
  // Nothing else runs yet: temp files in DATA_DIR are what a kill mid-write left behind.
  const orphansRemoved = await removeOrphanedTempFiles(runtime.dataDir);
  if (orphansRemoved.length) log.warn({ files: orphansRemoved }, 'removed temp files of writes that never finished');
  const seeded = await seedDataDir(opts.skelDir, runtime.dataDir);
  const configFile = path.join(runtime.dataDir, 'config.json');
  const text = await fs.readFile(configFile, 'utf8');
  let prepared: Prepared | undefined;
  let rendered: string;
  let brokenConfig: ConfigIssue[] | undefined;
  try {
    prepared = await prepare(text, opts);
    rendered = prepared.rendered;
  } catch (err) {
    if (!(err instanceof ConfigInvalidError || err instanceof CaddyfileRenderError)) throw err;
    const good = await loadLastGood(configFile);
    if (!good) throw err;
    try {
      rendered = renderCaddyfile(good.config, caddyRenderEnv(runtime, opts.dnsModules, env));
    } catch {
      throw err;
    }
    brokenConfig = err.issues;
    log.error(
      { issues: err.issues, file: configFile, servingFrom: lastGoodFile(configFile) },
      'config.json cannot be used: STARTING FROM THE LAST GOOD CONFIG; config.json is left as it is for the admin to repair',
    );
  }
  const generated = prepared?.generated ?? {};
  const configChanged = prepared !== undefined && prepared.nextText !== text;

  // first-run.txt before config.json: a crash in between must never leave a stored password
  // hash whose clear value was shown nowhere.
  let firstRunFile: string | undefined;
  if (generated.adminPassword || generated.clientKey) {
    firstRunFile = path.join(runtime.dataDir, 'first-run.txt');
    await writeFirstRun(firstRunFile, generated);
  }
  if (prepared && configChanged) await writeFileAtomic(configFile, prepared.nextText, { mode: 0o600, backup: true });
  await scrubBackup(`${configFile}.bak`, log);

  // Always re-render (docs/architecture.md, "The init step"). A Caddyfile we did not write (the original project's, with
  // flush_interval -1 and no health_headers) is kept aside, not silently lost.
  const caddyfile = path.join(runtime.dataDir, 'Caddyfile');
  let legacyCaddyfile: string | undefined;
  const current = await fs.readFile(caddyfile, 'utf8').catch(() => undefined);
  if (current !== undefined && !current.includes(CADDYFILE_MARKER)) {
    legacyCaddyfile = `${caddyfile}.legacy`;
    await fs.rename(caddyfile, legacyCaddyfile);
    // It may hold secrets (the original's health or upstream settings): owner only, like the rest.
    await fs.chmod(legacyCaddyfile, 0o600);
    log.warn({ file: legacyCaddyfile }, 'a Caddyfile not written by this gateway was moved aside');
  }
  if (rendered !== current) await writeFileAtomic(caddyfile, rendered, { mode: 0o600 });
  log.info(
    { seeded, configChanged, generated: Object.keys(generated), lastGood: brokenConfig !== undefined },
    'init done',
  );
  return {
    seeded,
    generated,
    firstRunFile,
    configChanged,
    legacyCaddyfile,
    orphansRemoved,
    ...(brokenConfig ? { brokenConfig } : {}),
  };
}
