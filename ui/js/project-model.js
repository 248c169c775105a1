// Pure helpers of the project pages (书记项目; no DOM, no IPC): status badges, progress, the list's summary,
// and the milestone rows of the project form (add / remove / change / move, then the inputs sent to the core).

/** Status code → badge tone: 按计划 green, 滞后 red, 已完成 grey-blue. */
export function statusTone(status) {
  if (status === 'late') return 'late';
  if (status === 'done') return 'done';
  return 'ontrack';
}

/** Milestones done of all, and the rounded percentage (0 when there are none). */
export function progress(row) {
  const total = Math.max(0, Number(row?.milestones_total) || 0);
  const done = Math.min(total, Math.max(0, Number(row?.milestones_done) || 0));
  return { done, total, percent: total ? Math.round((done / total) * 100) : 0 };
}

/** How many projects have each status. */
export function countByStatus(rows) {
  const counts = { on_track: 0, late: 0, done: 0 };
  for (const r of rows) if (r.status in counts) counts[r.status] += 1;
  return counts;
}

// ---------- Milestone rows of the form ----------

let keySeq = 0;

/** One editable row: `key` identifies it in the form (ids exist only for saved milestones). */
export function milestoneRow(m = {}) {
  keySeq += 1;
  return { key: `m${keySeq}`, id: m.id ?? null, title: m.title ?? '', due_on: m.due_on ?? '', done_on: m.done_on ?? '' };
}

/** The form's rows for a project's milestones; a new project starts with one empty row. */
export function milestoneRows(milestones) {
  return milestones?.length ? milestones.map(milestoneRow) : [milestoneRow()];
}

/** A new empty row after the row `afterKey` (at the end when not given or not found). */
export function addMilestone(rows, afterKey = null) {
  const index = rows.findIndex((r) => r.key === afterKey);
  const at = index < 0 ? rows.length : index + 1;
  return [...rows.slice(0, at), milestoneRow(), ...rows.slice(at)];
}

export const removeMilestone = (rows, key) => rows.filter((r) => r.key !== key);

export const updateMilestone = (rows, key, patch) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r));

/** Moves a row up (-1) or down (+1); at either end nothing changes. */
export function moveMilestone(rows, key, delta) {
  const from = rows.findIndex((r) => r.key === key);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= rows.length) return rows;
  const next = [...rows];
  [next[from], next[to]] = [next[to], next[from]];
  return next;
}

/** A new row nobody typed in: it is left out rather than refused. */
export const isBlankRow = (r) => r.id === null && r.title.trim() === '' && r.due_on.trim() === '' && r.done_on.trim() === '';

/**
 * The MilestoneInput list for save_project, in form order: blank new rows dropped, dates tidied by `tidyDate`
 * (e.g. normaliseDate), an empty done date as null. Rows keep the index they are sent with in `index`.
 */
export function milestoneInputs(rows, tidyDate = (s) => s.trim()) {
  return rows.filter((r) => !isBlankRow(r)).map((r) => {
    const done = tidyDate(r.done_on);
    return { id: r.id, title: r.title, due_on: tidyDate(r.due_on), done_on: done === '' ? null : done };
  });
}

/**
 * Reads a field key of a milestone error from the core, `milestones[2].due_on` or `milestones.2.due_on`:
 * `{ index, name }` (index into the list sent), or null for other fields.
 */
export function milestoneField(field) {
  const m = /^milestones?(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?$/.exec(String(field ?? ''));
  if (!m) return null;
  return { index: Number(m[1] ?? m[2]), name: m[3] ?? null };
}

/** The keys of the rows actually sent (non-blank), so an error about milestone N can be shown on its row. */
export const sentKeys = (rows) => rows.filter((r) => !isBlankRow(r)).map((r) => r.key);
