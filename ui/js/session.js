// Logging in and locking: the store's `session` (null, or { operator_id, name, role }) and `auth` (what the login
// screens need: whether any operator exists, the name to pre-fill, the idle-lock minutes, why the screen shows).
import * as api from './api.js';
import { getState, setState } from './store.js';
import { loadBasics } from './actions/basics.js';
import { forgetRegisterData } from './actions/register.js';

/** `auth.reason`: why the login screen shows — first start-up (null), the user or the idle timer locked, or the core ended the session. */
export const LOCKED = 'locked';
export const SIGNED_OUT = 'signed_out';

export const emptyAuth = () => ({ has_operators: true, last_name: null, idle_lock_minutes: null, reason: null });

function authFrom(status, reason = null) {
  return {
    has_operators: Boolean(status.has_operators),
    last_name: status.last_name ?? null,
    idle_lock_minutes: status.idle_lock_minutes ?? null,
    reason,
  };
}

/**
 * A register has just been opened (start-up, the welcome screen, a recovery): asks who is logged in, loads the
 * basics when someone is, and only then shows it — the create-admin or login screen when nobody is.
 */
export async function enterRegister(app) {
  if (!app?.opened) {
    setState({ session: null, app });
    return;
  }
  const status = await api.sessionStatus();
  setState({ session: null, auth: authFrom(status) });
  if (status.session) await loadBasics();
  setState({ session: status.session ?? null, app });
}

/** After create_first_admin or log_in: loads the basics, then the app shows the page the user was on. */
export async function signedIn(session) {
  await loadBasics();
  const auth = getState().auth ?? emptyAuth();
  setState({ session, auth: { ...auth, has_operators: true, last_name: session.name, reason: null } });
}

/** Closes every open dialog (a resident form holds a full ID number; 查看完整信息 shows one). */
function closeDialogs() {
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
}

function leave(reason) {
  const { session, auth } = getState();
  closeDialogs();
  forgetRegisterData();
  setState({ session: null, auth: { ...(auth ?? emptyAuth()), last_name: session?.name ?? auth?.last_name ?? null, reason } });
}

/** 锁定 (the button or the idle timer): ends the session in the core and shows the login screen with the same name. */
export async function lock() {
  if (!getState().session) return;
  leave(LOCKED);
  try {
    await api.lockSession();
  } catch {
    // Locked already (e.g. the core ended the session first): the login screen is what we want either way.
  }
}

/**
 * A command failed with kind 'signed_out' (e.g. the core ended the session after a restore): shows the login
 * screen, or the create-admin screen when the register now has no operator.
 */
export async function signedOut() {
  if (!getState().session) return;
  leave(SIGNED_OUT);
  try {
    const status = await api.sessionStatus();
    if (getState().session) return;
    setState({ auth: { ...authFrom(status, SIGNED_OUT), last_name: getState().auth.last_name ?? status.last_name ?? null } });
  } catch {
    // The login screen is already showing; logging in will say what is wrong.
  }
}
