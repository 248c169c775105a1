// The only bridge to the Rust core: one async function per IPC command (see docs/ipc-contract.md).
const invoke = window.__TAURI__.core.invoke;

/** Every rejection becomes `{ kind, message, fields }`, so callers can always show `message`. */
function normalise(error) {
  if (error && typeof error === 'object' && typeof error.kind === 'string') {
    return {
      kind: error.kind,
      message: String(error.message ?? ''),
      fields: Array.isArray(error.fields) ? error.fields : [],
    };
  }
  let message;
  if (typeof error === 'string') message = error;
  else if (error && typeof error.message === 'string') message = error.message;
  else {
    try {
      message = JSON.stringify(error) ?? String(error);
    } catch {
      message = String(error);
    }
  }
  return { kind: 'unknown', message, fields: [] };
}

let signedOutListener = null;

/** `fn(error)` is told whenever a command fails because nobody is logged in (locked, or the session ended). */
export function onSignedOut(fn) {
  signedOutListener = fn;
}

async function call(command, args) {
  try {
    return await invoke(command, args);
  } catch (error) {
    const normalised = normalise(error);
    if (normalised.kind === 'signed_out') signedOutListener?.(normalised);
    throw normalised;
  }
}

export const appInfo = () => call('app_info');

// ---- Operators, logging in, locking ----
// Except app_info, session_status, create_first_admin, log_in and the welcome screen's, every command needs someone logged in
// (else kind 'signed_out'); those marked admin (and the admin-only ones elsewhere) refuse staff with kind 'forbidden'.
export const sessionStatus = () => call('session_status');
export const createFirstAdmin = (name, password) => call('create_first_admin', { name, password });
export const logIn = (name, password) => call('log_in', { name, password });
export const lockSession = () => call('lock_session');
export const listOperators = () => call('list_operators'); // admin
/** `input`: `{ id (null = new), name, role, active, password (null = unchanged) }`. */
export const saveOperator = (input) => call('save_operator', { input }); // admin
export const changeOwnPassword = (oldPassword, newPassword) => call('change_own_password', { oldPassword, newPassword });
export const setIdleLockMinutes = (minutes) => call('set_idle_lock_minutes', { minutes }); // admin
/** The full ID number and phone of one resident; the core records the viewing in 操作日志. Never kept in the store. */
export const revealResident = (id) => call('reveal_resident', { id }); // admin
// ---- end operators ----

export const createDatabase = (mode, communityName) => call('create_database', { mode, communityName });
export const stats = () => call('stats');
// The core's word lists: sexes, relations, political statuses, care kinds, disability categories and grades, volunteer
// lines, organisation kinds, service kinds and statuses, hours statuses (docs/ipc-contract.md).
export const vocabularies = () => call('vocabularies');
export const hierarchy = () => call('hierarchy');
export const setCommunityName = (name) => call('set_community_name', { name });
export const saveGrid = (input) => call('save_grid', { input });
export const saveBuilding = (input) => call('save_building', { input });
export const saveUnit = (input) => call('save_unit', { input });
export const listHouseholds = (filter) => call('list_households', { filter });
export const getHousehold = (id) => call('get_household', { id });
export const saveHousehold = (input) => call('save_household', { input });
export const moveOutHousehold = (id, date = null) => call('move_out_household', { id, date });
export const getResident = (id) => call('get_resident', { id });
export const saveResident = (input) => call('save_resident', { input });
export const moveOutResident = (id, date = null) => call('move_out_resident', { id, date });
export const markDeceased = (id, date) => call('mark_deceased', { id, date });
export const search = (query) => call('search', { query });

// Files: dialogs and the system viewer run in Rust; `kind` is register | pdf | xlsx | csv. Cancelled dialogs give null.
export const pickOpenFile = (kind) => call('pick_open_file', { kind });
export const pickSaveFile = (kind, fileName) => call('pick_save_file', { kind, fileName });
export const openFile = (path) => call('open_file', { path });
export const previewImport = (path, options) => call('preview_import', { path, options });

/** Imports for real; `onProgress({ done, total })` is called while rows are written. */
export function importFile(path, options, onProgress) {
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = onProgress ?? (() => {});
  return call('import_file', { path, options, onProgress: channel });
}

export const exportRejectedRows = (out, headers, rows) => call('export_rejected_rows', { out, headers, rows });
export const exportResidents = (filter, out) => call('export_residents', { filter, out });
export const exportHouseholds = (filter, out) => call('export_households', { filter, out });
export const printRoster = (out, grid, unmasked) => call('print_roster', { out, grid, unmasked });

// 数据加密: the key is an administrator's login password (retyped here); `openEncrypted` opens an encrypted register
// from the start screen and logs that administrator in.
export const encryptionStatus = () => call('encryption_status');
export const encryptDatabase = (password) => call('encrypt_database', { password });
export const decryptDatabase = (password) => call('decrypt_database', { password });
export const openEncrypted = (name, password) => call('open_encrypted', { name, password });

// Activities, sign-ups, attendance. `attendee` is `{ resident_id }` or `{ guest_name, guest_phone? }`.
export const activityOptions = () => call('activity_options');
export const saveSeries = (input) => call('save_series', { input });
export const listActivities = (filter) => call('list_activities', { filter });
export const getActivity = (id) => call('get_activity', { id });
export const saveActivity = (input) => call('save_activity', { input });
export const createSessions = (input, repeat) => call('create_sessions', { input, repeat });
export const updateFutureSessions = (id, input) => call('update_future_sessions', { id, input });
export const cancelActivity = (id) => call('cancel_activity', { id });
export const signUp = (activityId, attendee) => call('sign_up', { activityId, attendee });
export const signUpHousehold = (activityId, householdId) => call('sign_up_household', { activityId, householdId });
export const cancelSignup = (signupId) => call('cancel_signup', { signupId });
export const markAttendance = (activityId, marks) => call('mark_attendance', { activityId, marks });
export const markAll = (activityId, present) => call('mark_all', { activityId, present });
export const addWalkIn = (activityId, attendee) => call('add_walk_in', { activityId, attendee });
export const residentActivities = (residentId) => call('resident_activities', { residentId });
export const printActivitySheet = (activityId, kind, out, blankRows = null) => call('print_activity_sheet', { activityId, kind, out, blankRows });
export const printAttendance = (seriesId, out) => call('print_attendance', { seriesId, out });

// ---- Volunteers, organisations, the hours ledger (志愿服务记录), reports and certificates ----
export const volunteerOptions = () => call('volunteer_options');
export const listVolunteers = (filter) => call('list_volunteers', { filter });
export const getVolunteer = (id) => call('get_volunteer', { id });
export const saveVolunteer = (input) => call('save_volunteer', { input });
export const leaveVolunteer = (id, date = null) => call('leave_volunteer', { id, date });
export const listOrganisations = () => call('list_organisations');
export const getOrganisation = (id) => call('get_organisation', { id });
export const saveOrganisation = (input) => call('save_organisation', { input });
export const listHours = (filter) => call('list_hours', { filter });
export const recordHours = (input) => call('record_hours', { input });
export const recordActivityHours = (activityId) => call('record_activity_hours', { activityId });
export const reviewHours = (ids, review) => call('review_hours', { ids, review });
export const correctHours = (id, input, reason) => call('correct_hours', { id, input, reason });
export const hourEntryHistory = (id) => call('hour_entry_history', { id });
export const hoursReport = (from, to) => call('hours_report', { from, to });
export const printHoursReport = (from, to, out) => call('print_hours_report', { from, to, out });
export const exportHours = (from, to, out) => call('export_hours', { from, to, out });
export const printCertificate = (volunteerId, from, to, out) => call('print_certificate', { volunteerId, from, to, out });

// ---- Dashboard, care visits, services, projects, settings ----
export const dashboard = () => call('dashboard');
export const auditLog = (filter) => call('audit_log', { filter });
export const auditOperators = () => call('audit_operators');
// The first 操作日志 record where the record chain breaks (`{ id, at, operator, message }`), or null while it holds.
export const auditChain = () => call('audit_chain');
export const careList = (thresholdDays = null) => call('care_list', { thresholdDays });
export const setCareVisitDays = (days) => call('set_care_visit_days', { days });
export const printCareList = (out, thresholdDays = null) => call('print_care_list', { out, thresholdDays });
export const listServices = (filter) => call('list_services', { filter });
export const getService = (id) => call('get_service', { id });
export const saveService = (input) => call('save_service', { input });
export const completeService = (id, done) => call('complete_service', { id, done });
export const cancelService = (id) => call('cancel_service', { id });
export const listProjects = () => call('list_projects');
export const getProject = (id) => call('get_project', { id });
export const saveProject = (input) => call('save_project', { input });
export const completeMilestone = (milestoneId, date = null) => call('complete_milestone', { milestoneId, date });
export const volunteerSettings = () => call('volunteer_settings');
export const setVolunteerPrefix = (prefix) => call('set_volunteer_prefix', { prefix });
export const saveCertificateIssuer = (issuer) => call('save_certificate_issuer', { issuer });
// ---- end dashboard, care visits, services, projects, settings ----

// ---- Backups and restore: dialogs run in Rust; a cancelled dialog gives null ----
export const backupStatus = () => call('backup_status');
// `{ path, unrecorded }`: the file written, and the warning when the backup is done but not in the 操作日志; null when cancelled.
export const backupToFolder = (folder = null) => call('backup_to_folder', { folder });
// `backupPassword`: the password an encrypted backup was made under, when it is not the register's own key (errors
// of kind `needs_password` / `wrong_password` ask for it).
export const inspectBackup = (path = null, backupPassword = null) => call('inspect_backup', { path, backupPassword });
export const restoreBackup = (path, backupPassword = null, otherCommunity = false) =>
  call('restore_backup', { path, backupPassword, otherCommunity });
// A database that cannot be opened: the start screen's ways out. `password`: an encrypted backup's.
export const recoveryBackups = (password = null) => call('recovery_backups', { password });
export const recoverFromBackup = (path, password = null) => call('recover_from_backup', { path, password });
export const retryOpen = () => call('retry_open');
export const openOtherDatabase = () => call('open_other_database');
export const startFresh = (communityName) => call('start_fresh', { communityName });
// ---- end backups and restore ----
