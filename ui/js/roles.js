// Who is logged in and what the UI offers them. The core enforces every rule; the UI only leaves out what a staff
// member would be refused (操作日志, exports, full numbers, backups, settings changes, operators).

export const ROLES = ['admin', 'staff'];

/** Pages only an administrator opens; a staff member who lands on one goes to the start page. */
const ADMIN_ROUTES = ['audit'];

export const isAdmin = (session) => session?.role === 'admin';

export const routeAllowed = (route, session) => isAdmin(session) || !ADMIN_ROUTES.includes(route?.name);

/** Told to the user beforehand; the core checks them (operators.rs: MAX_NAME_CHARS, MIN_PASSWORD_CHARS). */
export const NAME_MAX = 20;
export const PASSWORD_MIN = 6;

/** The allowed range of the idle lock, in minutes (the core refuses anything else). */
export const IDLE_MIN = 1;
export const IDLE_MAX = 120;

/** The typed idle-lock minutes as a whole number in range, or null. */
export function parseIdleMinutes(text) {
  const trimmed = String(text ?? '').trim();
  if (!/^\d{1,3}$/.test(trimmed)) return null;
  const minutes = Number(trimmed);
  return minutes >= IDLE_MIN && minutes <= IDLE_MAX ? minutes : null;
}

/**
 * What is wrong with a new password and its confirmation before the core is asked: a list of `{ field, key }`
 * (string keys) — empty when they may be sent. The core checks the rest (length, the old password).
 */
export function passwordProblems({ password, confirm, passwordField = 'password' }) {
  const problems = [];
  if (!password) problems.push({ field: passwordField, key: 'auth.passwordRequired' });
  else if (password !== confirm) problems.push({ field: 'confirm', key: 'auth.confirmMismatch' });
  return problems;
}

/** 2026-11-29 09:30 from the core's timestamp (seconds and anything after dropped); null stays null. */
export const loginTime = (text) => (typeof text === 'string' && text !== '' ? text.replace('T', ' ').slice(0, 16) : null);

/** Operators in the table: active ones first (administrators before staff), the 停用 ones last, then by name. */
export function sortOperators(rows) {
  const rank = (op) => (op.active ? 0 : 2) + (op.role === 'admin' ? 0 : 1);
  return [...(rows ?? [])].sort((a, b) => rank(a) - rank(b) || String(a.name).localeCompare(String(b.name), 'zh-CN'));
}
