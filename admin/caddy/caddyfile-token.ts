/**
 * Values that may appear in a rendered Caddyfile. Every config or environment value reaches the
 * template only as a `CaddyToken`, and a token is made only here, after the value passed a strict
 * whitelist for its kind. Caddyfile syntax lives in characters (braces, quotes, whitespace, `#`,
 * backslashes) and in a few words (`import` at the start of a line, `(name)` snippet keys), and
 * `{$VAR}` / `{env.VAR}` placeholders are expanded by Caddy itself, so a token carries none of them
 * whatever the JSON Schema allowed (defence in depth: the schema is the first gate, this the second).
 */
import net from 'node:net';
import type { ConfigIssue } from '../../common/config/errors.js';

/** Thrown when a value cannot be rendered safely; carries every problem found, not just the first. */
export class CaddyfileRenderError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`cannot render the Caddyfile: ${issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`);
    this.name = 'CaddyfileRenderError';
    this.issues = issues;
  }
}

const MINT = Symbol('caddy-token-mint');

/**
 * One validated Caddyfile argument. Its text is reachable through `text` only (the template helper
 * uses it); turning a token into a string any other way throws, so a template that interpolates a
 * value without the helper fails to render instead of emitting it unchecked.
 */
export class CaddyToken {
  readonly #text: string;
  readonly #valid: boolean;
  constructor(key: symbol, text: string, valid = true) {
    if (key !== MINT) throw new TypeError('CaddyToken is made only by TokenChecker');
    this.#text = text;
    this.#valid = valid;
  }
  /** Whether the value passed its check (an invalid token only exists until `throwIfIssues()`). */
  get valid(): boolean {
    return this.#valid;
  }
  /** The validated text, for the `arg` template helper; throws for a value that failed its check. */
  get text(): string {
    if (!this.#valid) throw new TypeError('a CaddyToken that failed validation cannot be rendered');
    return this.#text;
  }
  [Symbol.toPrimitive](): never {
    throw new TypeError('a CaddyToken must be rendered with {{arg …}}, never interpolated directly');
  }
  toString(): never {
    return this[Symbol.toPrimitive]();
  }
  toJSON(): string {
    return '[CaddyToken]';
  }
}

// Characters that carry Caddyfile syntax or break a token: whitespace and controls end a token,
// quotes and backticks start quoted tokens, braces open blocks and placeholders (`{$HOME}`,
// `{env.SECRET}`), `#` starts a comment, `\` escapes. No kind below allows any of them; this list
// is checked first so the refusal names the reason rather than "wrong form".
// eslint-disable-next-line no-control-regex
const SYNTAX_CHARS = /[\s\u0000-\u001f\u007f"'`{}#\\;]/u;

/** Per-kind whitelists: a value must match one in full. */
const KIND_PATTERNS = {
  hostname: /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/u,
  email: /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}$/u,
  httpsUrl: /^https:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(\/[A-Za-z0-9._~%/:@&=+,?!-]*)?$/u,
  absolutePath: /^\/[A-Za-z0-9._/@+-]*$/u,
  healthKey: /^[A-Za-z0-9._~-]{16,256}$/u,
  // GUIDs, or a tenant's domain name (contoso.onmicrosoft.com), which azidentity also accepts.
  azureId: /^[A-Za-z0-9.-]{1,64}$/u,
  // Azure allows parentheses in resource group names; "(name)" as a whole reads as a snippet key
  // in Caddyfile syntax, so a name must start with a plain character.
  azureResourceGroup: /^[A-Za-z0-9._-][A-Za-z0-9._()-]{0,89}$/u,
  // Entra client secrets: today's are [A-Za-z0-9~._-]; older ones also used + / = : @ ? * [ ].
  azureSecret: /^[A-Za-z0-9._~+/=:@?*![\]-]{1,1024}$/u,
  adminAddress: /^((localhost|127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|\[::1\]):[0-9]{1,5}|unix\/\/[A-Za-z0-9._/@+-]+)$/u,
} as const;

/** What each kind accepts, in words, for the issue message. */
const KIND_WORDS: Record<keyof typeof KIND_PATTERNS, string> = {
  hostname: 'a host name (letters, digits, dots and dashes; optional "*." prefix)',
  email: 'an email address',
  httpsUrl: 'an https:// URL of plain URL characters',
  absolutePath: 'an absolute path of letters, digits and . _ / @ + -',
  healthKey: '16 to 256 of A-Z a-z 0-9 . _ ~ -',
  azureId: 'an Azure id (letters, digits, dots and dashes)',
  azureResourceGroup: 'an Azure resource group name (letters, digits, . _ - and parentheses, not first)',
  azureSecret: 'a client secret of letters, digits and . _ ~ + / = : @ ? * ! [ ] -',
  adminAddress: 'a loopback host:port (localhost, 127.x.x.x, [::1]) or unix//absolute/path',
};

/** Longest duration rendered: two days (the schema's limit is one, plus headroom added here). */
const MAX_DURATION_MS = 172_800_000;

/** The string kinds `TokenChecker.string` understands. */
export type StringKind = keyof typeof KIND_PATTERNS;

/**
 * Validates values into tokens and collects every failure, so one render reports all problems.
 * A value that fails its check records an issue at `path` and comes back as an invalid token,
 * which cannot be rendered; `throwIfIssues()` stops before the template ever sees one.
 */
export class TokenChecker {
  readonly issues: ConfigIssue[] = [];

  /** Records a problem that is not about one value's form (e.g. a missing module). */
  fail(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  /** Records a problem and returns the invalid token that stands for the missing value. */
  refuse(path: string, message: string): CaddyToken {
    this.fail(path, message);
    return new CaddyToken(MINT, '', false);
  }

  /** A string of `kind`; `transform` (e.g. lower-casing) runs after the syntax check. */
  string(kind: StringKind, value: unknown, path: string, transform: (s: string) => string = (s) => s): CaddyToken {
    if (typeof value !== 'string' || value === '') return this.refuse(path, 'must be a non-empty string');
    if (SYNTAX_CHARS.test(value)) {
      return this.refuse(path, 'contains whitespace, a quote, a brace, "#", ";" or a backslash, which cannot be written into a Caddyfile');
    }
    const text = transform(value);
    if (/^import$/iu.test(text) || (text.startsWith('(') && text.endsWith(')'))) {
      return this.refuse(path, 'reads as a Caddyfile keyword or snippet');
    }
    if (!KIND_PATTERNS[kind].test(text)) return this.refuse(path, `must be ${KIND_WORDS[kind]}`);
    return new CaddyToken(MINT, text);
  }

  /** A whole number in [min, max]. */
  integer(value: unknown, path: string, min: number, max: number): CaddyToken {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      return this.refuse(path, `must be a whole number from ${min} to ${max}`);
    }
    return new CaddyToken(MINT, String(value));
  }

  /** A TCP port. */
  port(value: unknown, path: string): CaddyToken {
    return this.integer(value, path, 1, 65535);
  }

  /** A duration given in milliseconds, written as Caddy reads it (`5s`, `1500ms`). */
  durationMs(value: unknown, path: string): CaddyToken {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_DURATION_MS) {
      return this.refuse(path, `must be a whole number of milliseconds from 0 to ${MAX_DURATION_MS}`);
    }
    return new CaddyToken(MINT, value % 1000 === 0 ? `${value / 1000}s` : `${value}ms`);
  }

  /** An IPv4 address literal (a bind address). */
  ipv4(value: unknown, path: string): CaddyToken {
    if (typeof value !== 'string' || !net.isIPv4(value)) return this.refuse(path, 'must be an IPv4 address');
    return new CaddyToken(MINT, value);
  }

  /** Throws a `CaddyfileRenderError` if any check failed. */
  throwIfIssues(): void {
    if (this.issues.length) throw new CaddyfileRenderError(this.issues);
  }
}

/** A fixed word chosen by the renderer (e.g. `off`), never by user data. */
export function literalToken(text: 'off'): CaddyToken {
  return new CaddyToken(MINT, text);
}
