// The printed PDFs: each writes to `out` and resolves with `{ path, pages, missing_characters }`.
import * as api from '../api.js';

/** 报名表 (`kind` 'sign_up', with `blankRows`) or 签到表 ('sign_in') of one activity. */
export const printActivitySheet = (activityId, kind, out, blankRows = null) => api.printActivitySheet(activityId, kind, out, blankRows);
/** The landscape 考勤表 of a series. */
export const printAttendance = (seriesId, out) => api.printAttendance(seriesId, out);
/** The resident roster (花名册) of one grid or all; `unmasked` is for administrators (audited). */
export const printRoster = (out, grid, unmasked) => api.printRoster(out, grid, unmasked);
/** The visit checklist (走访清单) with the page's threshold. */
export const printCareList = (out, thresholdDays = null) => api.printCareList(out, thresholdDays);
export const printHoursReport = (from, to, out) => api.printHoursReport(from, to, out);
export const printCertificate = (volunteerId, from, to, out) => api.printCertificate(volunteerId, from, to, out);
