// 操作员: the first administrator, logging in, the operators list (admin), idle-lock minutes, one's own password.
import * as api from '../api.js';

/** Each resolves with the session `{ operator_id, name, role }`. */
export const createFirstAdmin = (name, password) => api.createFirstAdmin(name, password);
export const logIn = (name, password) => api.logIn(name, password);

export const listOperators = () => api.listOperators();
/** `input`: `{ id (null = new), name, role, active, password (null = unchanged) }`. */
export const saveOperator = (input) => api.saveOperator(input);
export const setIdleLockMinutes = (minutes) => api.setIdleLockMinutes(minutes);
export const changeOwnPassword = (oldPassword, newPassword) => api.changeOwnPassword(oldPassword, newPassword);
