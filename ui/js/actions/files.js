// Files through the core's native dialogs and the system viewer (`kind`: register | backup | pdf | xlsx | csv);
// a cancelled dialog gives null.
import * as api from '../api.js';

export const pickOpenFile = (kind) => api.pickOpenFile(kind);
export const pickSaveFile = (kind, fileName) => api.pickSaveFile(kind, fileName);
export const openFile = (path) => api.openFile(path);
