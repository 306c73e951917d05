/**
 * Renders the Caddyfile from the Handlebars templates in caddy/ (Caddyfile.hbs and
 * partials/*.hbs). Handlebars' HTML escaping means nothing in a Caddyfile, so templates compile
 * with `noEscape`; safety comes from the model instead: every value is a validated `CaddyToken`
 * (caddyfile-token.ts), and a template may print one only through `{{arg …}}`. That rule is
 * checked on the template's syntax tree when it is compiled, and a token interpolated any other
 * way throws while rendering.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Config } from '../../common/config/schema.js';
import { buildCaddyfileModel, type CaddyRenderEnv, type CaddyfileModel } from './caddyfile-model.js';
import { CaddyToken, CaddyfileRenderError } from './caddyfile-token.js';

export type { CaddyRenderEnv } from './caddyfile-model.js';
export { CaddyfileRenderError } from './caddyfile-token.js';

/** The first line of every rendered Caddyfile: how `init` tells our file from a hand-written one. */
export const CADDYFILE_MARKER = '# Rendered by the gateway admin from caddy/Caddyfile.hbs.';

/**
 * Templates stay in caddy/ at the repo root while this module runs from dist/admin/; when run from
 * admin/ itself (a TypeScript loader) the folder is one level up instead.
 */
function templatesDir(): string {
  const fromDist = fileURLToPath(new URL('../../../caddy/', import.meta.url));
  return existsSync(path.join(fromDist, 'Caddyfile.hbs')) ? fromDist : fileURLToPath(new URL('../../caddy/', import.meta.url));
}

const BLOCK_HELPERS = new Set(['if', 'unless', 'each']);

/**
 * Refuses any template construct that could print a value without validation: a mustache must be
 * `{{arg path}}` (never `{{path}}`, `{{{path}}}`, a literal or another helper), blocks are limited
 * to if/unless/each over paths, and decorators are refused.
 */
function checkTemplate(node: hbs.AST.Node, source: string): void {
  const where = `${source}:${node.loc.start.line}`;
  const isPath = (e: hbs.AST.Expression): boolean => e.type === 'PathExpression';
  switch (node.type) {
    case 'Program':
      for (const s of (node as hbs.AST.Program).body) checkTemplate(s, source);
      return;
    case 'ContentStatement':
    case 'CommentStatement':
      return;
    case 'MustacheStatement': {
      const m = node as hbs.AST.MustacheStatement;
      const ok = m.path.type === 'PathExpression' && (m.path as hbs.AST.PathExpression).original === 'arg' &&
        m.params.length === 1 && m.params.every(isPath) && m.hash === undefined;
      if (!ok) throw new Error(`${where}: only {{arg value}} may print a value in a Caddyfile template`);
      return;
    }
    case 'BlockStatement': {
      const b = node as hbs.AST.BlockStatement;
      if (!BLOCK_HELPERS.has(b.path.original) || b.params.length !== 1 || !b.params.every(isPath) || b.hash !== undefined) {
        throw new Error(`${where}: only {{#if}}, {{#unless}} and {{#each}} over a model path are allowed`);
      }
      checkTemplate(b.program, source);
      if (b.inverse) checkTemplate(b.inverse, source);
      return;
    }
    case 'PartialStatement': {
      const p = node as hbs.AST.PartialStatement;
      if (p.name.type !== 'PathExpression' || p.params.length > 1 || !p.params.every(isPath) || p.hash !== undefined) {
        throw new Error(`${where}: a partial takes at most one model path as its context`);
      }
      return;
    }
    default:
      throw new Error(`${where}: ${node.type} is not allowed in a Caddyfile template`);
  }
}

/** A compiled Caddyfile template: model in, Caddyfile text out. */
export type CaddyTemplate = (model: CaddyfileModel) => string;

/**
 * Compiles a Caddyfile template and its partials with the safety rules above (exported for tests
 * and for checking an edited template before it is used).
 */
export function compileCaddyTemplate(source: string, partials: Readonly<Record<string, string>> = {}): CaddyTemplate {
  const hb = Handlebars.create();
  const options = { noEscape: true, strict: true, knownHelpers: { arg: true }, knownHelpersOnly: true } as const;
  hb.registerHelper('arg', (value: unknown) => {
    if (!(value instanceof CaddyToken)) throw new CaddyfileRenderError([{ path: 'template', message: '{{arg}} was given a value that is not a validated token' }]);
    return value.text;
  });
  for (const [name, text] of Object.entries(partials)) {
    checkTemplate(hb.parse(text), `partials/${name}.hbs`);
    hb.registerPartial(name, hb.compile(text, options));
  }
  checkTemplate(hb.parse(source), 'Caddyfile.hbs');
  const template = hb.compile<CaddyfileModel>(source, options);
  return (model) => template(model);
}

let cached: CaddyTemplate | undefined;

/** Loads and compiles caddy/Caddyfile.hbs and caddy/partials/*.hbs once per process. */
function loadTemplate(): CaddyTemplate {
  if (cached) return cached;
  const dir = templatesDir();
  const partialsDir = path.join(dir, 'partials');
  const partials: Record<string, string> = {};
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort()) {
    partials[file.slice(0, -'.hbs'.length)] = readFileSync(path.join(partialsDir, file), 'utf8');
  }
  cached = compileCaddyTemplate(readFileSync(path.join(dir, 'Caddyfile.hbs'), 'utf8'), partials);
  return cached;
}

/**
 * Renders the Caddyfile for `config` (validated, defaults applied) and the runtime environment;
 * throws `CaddyfileRenderError` when a value cannot be rendered safely or a requirement is missing.
 */
export function renderCaddyfile(config: Config, env: CaddyRenderEnv): string {
  return renderCaddyfileModel(buildCaddyfileModel(config, env));
}

/** Renders an already built model (the staged bridge of admin/caddy/bridge-model.ts builds its own). */
export function renderCaddyfileModel(model: CaddyfileModel): string {
  return loadTemplate()(model);
}
