// Backups and restore from the settings page: the status, a backup now, looking into a backup file, restoring it.
import * as api from '../api.js';

export const backupStatus = () => api.backupStatus();
/** `{ path, unrecorded }`, or null when the folder dialog was cancelled. */
export const backupToFolder = (folder = null) => api.backupToFolder(folder);
/** What a backup holds; `backupPassword` for an encrypted backup made under another key. */
export const inspectBackup = (path = null, backupPassword = null) => api.inspectBackup(path, backupPassword);
export const restoreBackup = (path, backupPassword = null, otherCommunity = false) => api.restoreBackup(path, backupPassword, otherCommunity);
