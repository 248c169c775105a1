// 操作日志: the filtered trail, the operators named in it, and where the record chain breaks (null while it holds).
import * as api from '../api.js';

export const auditLog = (filter) => api.auditLog(filter);
export const auditOperators = () => api.auditOperators();
export const auditChain = () => api.auditChain();
