// The start page's figures (counts, this month, hours by month, overdue visits).
import * as api from '../api.js';

export const loadDashboard = () => api.dashboard();
