/**
 * English and Simplified Chinese. The Chinese table is typed against the English one, so a
 * missing translation is a compile error. The choice is remembered in localStorage; the first
 * visit follows the browser's language. Nothing here touches the DOM, so unit tests import it.
 */
import { en, type MsgKey } from './i18n-en.js';
import { zh } from './i18n-zh.js';

export type { MsgKey } from './i18n-en.js';

/** The languages of the UI. */
export const LANGS = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
/** A language code of the UI. */
export type Lang = (typeof LANGS)[number]['code'];

const STORAGE_KEY = 'gw.lang';
const TABLES: Record<Lang, Record<MsgKey, string>> = { en, 'zh-CN': zh };

function initial(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // Storage disabled: fall back to the browser's language.
  }
  return navigator.languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

let current: Lang = initial();
const listeners = new Set<() => void>();

/** The language in use. */
export function lang(): Lang {
  return current;
}

/** Switches language, remembers it and tells the listeners (the shell sets `<html lang>` and redraws). */
export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered (or no storage, as in unit tests): still switched.
  }
  for (const l of listeners) l();
}

/** Calls `fn` after each language switch; returns how to stop. */
export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The message `key` in the current language, with `{name}` placeholders filled from `params`. */
export function t(key: MsgKey, params?: Record<string, string | number>): string {
  const text = TABLES[current][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Whether `key` is a message key (for keys built at run time, e.g. step names). */
export function hasKey(key: string): key is MsgKey {
  return Object.hasOwn(en, key);
}
