/**
 * Every UI string has a Chinese translation: for each key of the English table the Chinese entry
 * exists, is not the English text, has the same {placeholders}, and contains Chinese unless it is
 * made only of proper nouns, units, URLs and symbols (the allow-list below names each such key).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { en } from '../../admin/ui/js/i18n-en.js';
import { zh } from '../../admin/ui/js/i18n-zh.js';

// Entries that are the same in both languages because they are names, numbers or symbols.
const SAME_IN_BOTH = new Set([
  'overview.node', // Node.js
  'overview.errorsBreakdown', // 4xx · 429 · 5xx
  'overview.p50', // p50 {v}
  'domain.caUrlHelp', // https://…/directory
  'logs.caddy', // Caddy
  'requests.byCaddy', // Caddy
  'usage.estimate', // ≈ {v} ±{pct}%
  'play.api', // API
]);

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;

test('every English UI string has a Chinese entry that is translated and keeps its placeholders', () => {
  const zhTable: Record<string, string | undefined> = zh;
  const problems: string[] = [];
  for (const [key, english] of Object.entries(en)) {
    const chinese = zhTable[key];
    if (typeof chinese !== 'string' || chinese === '') problems.push(`${key}: missing`);
    else if (SAME_IN_BOTH.has(key)) {
      if (chinese !== english) problems.push(`${key}: allow-listed as the same in both, but differs`);
    } else if (chinese === english) problems.push(`${key}: the English text`);
    else if (!CJK.test(chinese)) problems.push(`${key}: no Chinese in "${chinese}"`);
    else if (placeholders(chinese).join() !== placeholders(english).join())
      problems.push(`${key}: placeholders ${placeholders(chinese).join()} ≠ ${placeholders(english).join()}`);
  }
  for (const key of Object.keys(zh)) if (!(key in en)) problems.push(`${key}: only in Chinese`);
  assert.deepEqual(problems, []);
});

test('the check catches an English entry in the Chinese table', () => {
  assert.notEqual(zh['models.verify'], en['models.verify']);
  assert.ok(CJK.test(zh['models.verify']));
  assert.ok(!CJK.test(en['models.verify']));
});
