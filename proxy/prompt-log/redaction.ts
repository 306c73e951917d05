/**
 * Redaction of logged prompts and completions: the operator's patterns plus built-in ones for
 * obvious secrets (API keys, bearer tokens, JWTs, private keys, connection-string keys), each
 * match replaced by `[redacted]` (docs/telemetry.md, "Prompt and completion log").
 */

/** What a match is replaced by. */
export const REDACTED = '[redacted]';

// Built in, always applied: shapes that are secrets wherever they appear.
const BUILT_IN: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\b(?:sk|rk|pk)-[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\b(?:AccountKey|SharedAccessKey|InstrumentationKey|Password|Pwd)=[^;"\s]+/gi,
  /\b(?:api[_-]?key|secret|password|passwd|token)(["']?\s*[:=]\s*["']?)[^\s"',;]{6,}/gi,
];

/** A redactor for the operator's `patterns` (already validated to compile) plus the built-in ones. */
export function redactor(patterns: readonly string[]): (text: string) => string {
  const all = [...BUILT_IN, ...patterns.map((p) => new RegExp(p, 'g'))];
  return (text) => {
    let out = text;
    for (const re of all) {
      re.lastIndex = 0;
      out = out.replace(re, REDACTED);
    }
    return out;
  };
}
