// The hours ledger (志愿服务记录): listing, recording (by hand or from an activity's roll call), review, correction,
// an entry's history, and the report with its workbook.
import * as api from '../api.js';

export const listHours = (filter) => api.listHours(filter);
/** Records one entry by hand; resolves with its id. */
export const recordHours = (input) => api.recordHours(input);
/** One 待审核 entry for every attending volunteer of the activity: `{ created, skipped }`. */
export const recordActivityHours = (activityId) => api.recordActivityHours(activityId);
/** Confirms or rejects all of `ids` or none; resolves with the count. */
export const reviewHours = (ids, review) => api.reviewHours(ids, review);
/** A correction: a new entry replacing `id`, which is rejected with `reason`; resolves with the new id. */
export const correctHours = (id, input, reason) => api.correctHours(id, input, reason);
export const hourEntryHistory = (id) => api.hourEntryHistory(id);
export const hoursReport = (from, to) => api.hoursReport(from, to);
/** The hours workbook for the period, written to `out`; resolves with the number of entries. */
export const exportHours = (from, to, out) => api.exportHours(from, to, out);
