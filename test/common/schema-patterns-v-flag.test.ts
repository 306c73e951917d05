// Every `pattern` of the config schema (and every patternProperties key) is a valid regular
// expression with the `v` flag, as Chromium compiles an input's pattern attribute (wrapped in
// `^(?:…)$`), and with `u`, as ajv and the UI's schema check compile it. Under `v` a literal `-`,
// `/`, `(`, `)`, `{` or `}` inside a character class must be escaped; `[A-Za-z0-9._-]` is a
// SyntaxError there and the browser silently ignores the attribute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../common/config/schema.js';

function patternsOf(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) patternsOf(item, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') out.add(value);
      if (key === 'patternProperties' && typeof value === 'object' && value !== null)
        for (const p of Object.keys(value)) out.add(p);
      patternsOf(value, out);
    }
  }
  return out;
}

function compileError(source: string, flags: string): string | undefined {
  try {
    new RegExp(source, flags);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

test('every schema pattern compiles with the v flag (browser pattern attributes) and the u flag (ajv)', () => {
  const patterns = [...patternsOf(ConfigSchema, new Set())];
  assert.ok(patterns.length >= 20, `found ${patterns.length} patterns`);
  const broken = patterns.flatMap((p) =>
    [compileError(`^(?:${p})$`, 'v'), compileError(p, 'u')].filter((e): e is string => e !== undefined),
  );
  assert.deepEqual(broken, []);
});

test('the v-flag check catches an unescaped dash in a character class', () => {
  assert.match(compileError('^(?:[A-Za-z0-9._-]+)$', 'v') ?? '', /Invalid/);
});
