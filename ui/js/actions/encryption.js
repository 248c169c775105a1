// 数据加密: whether the register is encrypted, and encrypting or decrypting it with an administrator's password.
import * as api from '../api.js';

export const encryptionStatus = () => api.encryptionStatus();
export const encryptDatabase = (password) => api.encryptDatabase(password);
export const decryptDatabase = (password) => api.decryptDatabase(password);
