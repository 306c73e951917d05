/** Numbers, money, sizes, durations and times in the UI's two languages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bytes,
  compact,
  dateTime,
  daysLeft,
  money,
  ms,
  num,
  percent,
  relative,
  tick,
  timeOfDay,
} from '../../admin/ui/js/format.js';
import { setLang } from '../../admin/ui/js/i18n.js';

// Times are shown in the browser's zone; here it is fixed.
process.env.TZ = 'UTC';
const AT = Date.UTC(2026, 2, 4, 13, 4, 5);

test('numbers, percentages and sizes', () => {
  setLang('en');
  assert.equal(num(12345), '12,345');
  assert.equal(num(1.2345, 2), '1.23');
  assert.equal(num(null), '—');
  assert.equal(num(Number.NaN), '—');
  assert.equal(compact(1234), '1.2K');
  assert.equal(percent(0.125), '13%');
  assert.equal(percent(0.0123), '1.2%');
  assert.equal(percent(Number.POSITIVE_INFINITY), '—');
  assert.equal(bytes(999), '999 B');
  assert.equal(bytes(1500), '1.5 KB');
  assert.equal(bytes(1_400_000), '1.4 MB');
  assert.equal(bytes(2e12), '2,000 GB');
  assert.equal(bytes(undefined), '—');
});

test('money in the server currency: cents, or two significant digits below a cent', () => {
  setLang('en');
  assert.equal(money(1234.5, 'USD'), '$1,234.50');
  assert.equal(money(0, 'USD'), '$0.00');
  assert.equal(money(0.000065, 'USD'), '$0.000065');
  assert.equal(money(12, 'EUR'), '€12.00');
  assert.match(money(3, 'XYZ'), /^XYZ\s3\.00$/, 'a well-formed code Intl does not know');
  assert.equal(money(null, 'USD'), '—');
  setLang('zh-CN');
  assert.equal(money(5, 'CNY'), '¥5.00');
  assert.equal(money(5, 'USD'), 'US$5.00');
  setLang('en');
});

test('durations pick their unit', () => {
  setLang('en');
  assert.equal(ms(850), '850 ms');
  assert.equal(ms(1234), '1.2 s');
  assert.equal(ms(90_000), '1.5 min');
  assert.equal(ms(7_200_000), '2 h');
  assert.equal(ms(null), '—');
});

test('dates and times; what is not a date is shown as it is', () => {
  setLang('en');
  assert.equal(timeOfDay(AT), '13:04:05');
  assert.equal(tick(AT, 3_600_000), '13:04');
  assert.equal(tick(AT, 7 * 86_400_000), '3/4');
  assert.equal(dateTime(''), '—');
  assert.equal(dateTime('not a date'), 'not a date');
  assert.match(dateTime(AT), /^Mar 4, 2026, 1:04\sPM$/);
  assert.match(dateTime(AT, true), /^Mar 4, 2026, 1:04:05\sPM$/);
});

test('relative times and days left', () => {
  setLang('en');
  assert.equal(relative(Date.now() + 3 * 86_400_000), 'in 3 days');
  assert.equal(relative(Date.now() - 5 * 60_000), '5 minutes ago');
  assert.equal(relative(undefined), '—');
  assert.equal(daysLeft(3), '3 days left');
  assert.equal(daysLeft(undefined), '—');
});

test('Simplified Chinese', () => {
  setLang('zh-CN');
  assert.equal(num(12345), '12,345');
  assert.equal(compact(12345), '1.2万');
  assert.equal(relative(Date.now() + 3 * 86_400_000), '3天后');
  assert.equal(relative(Date.now() - 5 * 60_000), '5分钟前');
  assert.equal(daysLeft(3), '剩余 3 天');
  assert.equal(dateTime(AT), '2026年3月4日 13:04');
  setLang('en');
});
