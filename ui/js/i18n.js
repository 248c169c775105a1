// Language selection and lookup: t(key, params) reads the current strings table (zh-CN by default).
import zhCN from '../strings/zh-CN.js';
import en from '../strings/en.js';

const TABLES = { 'zh-CN': zhCN, en };
const DEFAULT_LANG = 'zh-CN';
const STORAGE_KEY = 'xinghe.lang';

function readSaved() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return saved in TABLES ? saved : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

let lang = readSaved();

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next in TABLES ? next : DEFAULT_LANG;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Storage may be unavailable; the choice then lasts for this session only.
  }
  document.documentElement.lang = lang;
}

export function otherLang() {
  return lang === DEFAULT_LANG ? 'en' : DEFAULT_LANG;
}

/** Looks up `key`; `{name}` placeholders are replaced from `params`. Missing keys fall back to Chinese. */
export function t(key, params) {
  const text = TABLES[lang][key] ?? TABLES[DEFAULT_LANG][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Translates a data value (e.g. a relation such as 户主) when the table knows it; otherwise returns it as is. */
export function tv(group, value) {
  if (value === null || value === undefined) return value;
  return TABLES[lang][`${group}.${value}`] ?? value;
}
