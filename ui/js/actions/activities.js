// Activities: the activities page and one activity with its sign-ups in the store; saving series and sessions,
// cancelling, signing up, the roll call, walk-ins, and a resident's activity history.
import * as api from '../api.js';
import { getState, setState } from '../store.js';
import { reportError } from '../components/errors.js';
import { viewRange } from '../activity-model.js';
import { todayDate } from './basics.js';

/** The activities page: list / month / week, the date the calendar shows, the filters and the fetched rows. */
export const emptyActivities = () => ({
  view: 'list',
  anchor: null,
  series_id: null,
  line: null,
  rows: [],
  range: null,
  loading: false,
  loaded: false,
  error: null,
});

/** Lines, learning modes and series (for the filters and the activity form). */
export async function loadActivityOptions() {
  try {
    setState({ activityOptions: await api.activityOptions() });
  } catch (error) {
    reportError(error);
  }
}

let activitiesSeq = 0;

/** Loads the activities the page shows; `patch` changes the view, the calendar's date or a filter. */
export async function loadActivities(patch = null) {
  const next = { ...getState().activities, ...(patch ?? {}) };
  if (!next.anchor) next.anchor = todayDate();
  const range = viewRange(next.view, next.anchor);
  activitiesSeq += 1;
  const mine = activitiesSeq;
  setState({ activities: { ...next, loading: true } });
  try {
    const rows = await api.listActivities({
      from: range.from,
      to: range.to,
      series_id: next.series_id,
      line: next.line,
      include_cancelled: true,
    });
    if (mine !== activitiesSeq) return;
    setState({ activities: { ...getState().activities, rows: rows ?? [], range, loading: false, loaded: true, error: null } });
  } catch (error) {
    if (mine !== activitiesSeq) return;
    setState({ activities: { ...getState().activities, loading: false, loaded: true, error } });
    reportError(error);
  }
}

let activitySeq = 0;

/** Loads one activity with its sign-ups; keeps the shown one while reloading the same id. Resolves with the detail. */
export async function loadActivity(id) {
  activitySeq += 1;
  const mine = activitySeq;
  const current = getState().activity;
  setState({ activity: { id, detail: current?.id === id ? current.detail : null, loading: true, error: null } });
  try {
    const detail = await api.getActivity(id);
    if (mine !== activitySeq) return null;
    setState({ activity: { ...getState().activity, detail, loading: false } });
    return detail;
  } catch (error) {
    if (mine !== activitySeq) return null;
    setState({ activity: { ...getState().activity, loading: false, error } });
    if (getState().activity.detail) reportError(error);
    return null;
  }
}

/** Replaces the shown activity's detail after a local change (e.g. one attendance mark). A reload
 * that was already under way may answer with a snapshot from before the change: reload once more. */
export function patchActivity(id, change) {
  const current = getState().activity;
  if (current?.id !== id || !current.detail) return;
  setState({ activity: { ...current, detail: change(current.detail) } });
  if (current.loading) loadActivity(id);
}

/** Drops activity loads still on their way (the caller clears the state). */
export function forgetActivities() {
  activitiesSeq += 1;
  activitySeq += 1;
}

/** Activities in a period, for pickers (e.g. a project's linked activities); the activities page uses loadActivities. */
export const listActivities = (filter) => api.listActivities(filter);

// Saving: each resolves with the saved id (ids for createSessions).
export const saveSeries = (input) => api.saveSeries(input);
export const saveActivity = (input) => api.saveActivity(input);
export const createSessions = (input, repeat) => api.createSessions(input, repeat);
export const updateFutureSessions = (id, input) => api.updateFutureSessions(id, input);
export const cancelActivity = (id) => api.cancelActivity(id);

// Sign-ups and the roll call. `attendee` is `{ resident_id }` or `{ guest_name, guest_phone? }`.
export const signUp = (activityId, attendee) => api.signUp(activityId, attendee);
export const signUpHousehold = (activityId, householdId) => api.signUpHousehold(activityId, householdId);
export const cancelSignup = (signupId) => api.cancelSignup(signupId);
export const markAttendance = (activityId, marks) => api.markAttendance(activityId, marks);
export const markAll = (activityId, present) => api.markAll(activityId, present);
export const addWalkIn = (activityId, attendee) => api.addWalkIn(activityId, attendee);

/** The activities one resident signed up for (their page's history). */
export const residentActivities = (residentId) => api.residentActivities(residentId);
