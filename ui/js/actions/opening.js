// The start screen: what is open, creating a register (empty or the demo), opening another or an encrypted one,
// and the ways out when the register cannot be opened (retry, a backup, starting fresh).
import * as api from '../api.js';

export const appInfo = () => api.appInfo();
export const createDatabase = (mode, communityName) => api.createDatabase(mode, communityName);
export const openOtherDatabase = () => api.openOtherDatabase();
export const openEncrypted = (name, password) => api.openEncrypted(name, password);
export const retryOpen = () => api.retryOpen();
/** The backups that could replace a register that cannot be opened; `password` for encrypted ones. */
export const recoveryBackups = (password = null) => api.recoveryBackups(password);
export const recoverFromBackup = (path, password = null) => api.recoverFromBackup(path, password);
export const startFresh = (communityName) => api.startFresh(communityName);
