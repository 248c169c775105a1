// Pure helpers of the care page (关爱走访; no DOM, no IPC): the threshold, filtering the care list, the
// provider of a service, and the inputs of the service forms.
import { halfWidth } from './activity-model.js';

export const MIN_CARE_DAYS = 1;
export const MAX_CARE_DAYS = 365;

/** A typed threshold (full-width digits allowed) as a whole number of days 1–365, else NaN. */
export function parseThreshold(text) {
  const s = halfWidth(text).trim();
  if (!/^\d+$/.test(s)) return NaN;
  const n = Number(s);
  return n >= MIN_CARE_DAYS && n <= MAX_CARE_DAYS ? n : NaN;
}

/** How far past the threshold a household is: days beyond it, or null when never visited / not overdue. */
export function daysOver(household, threshold) {
  if (household.days_since === null || household.days_since === undefined) return null;
  const over = household.days_since - threshold;
  return over > 0 ? over : null;
}

/** The care list filtered by `overdueOnly` and a typed text (address, building head, a person's name or need). */
export function filterCare(households, { overdueOnly = false, query = '' } = {}) {
  const q = String(query).trim().toLowerCase();
  return households.filter((h) => {
    if (overdueOnly && !h.overdue) return false;
    if (!q) return true;
    const hay = [h.address, h.building_head ?? '', ...(h.people ?? []).flatMap((p) => [p.name, ...(p.needs ?? [])])]
      .join(' ').toLowerCase();
    return hay.includes(q);
  });
}

/** Who provides a service: the organisation and the volunteers' names, e.g. ['浏河家电维修部', '王芳', '李强']. */
export function providerNames(service) {
  return [service.organisation, ...(service.volunteers ?? []).map((v) => v.name)].filter(Boolean);
}

/** Status label of a service row → badge tone. */
export function serviceTone(status) {
  if (status === '已完成') return 'done';
  if (status === '已取消') return 'gone';
  return 'open';
}

/** Open services oldest request first (they have waited longest). */
export function sortOpen(services) {
  return [...services].sort((a, b) => String(a.requested_on).localeCompare(String(b.requested_on)) || a.id - b.id);
}

/** Volunteers matching a typed text (name, number, organisation, skills) for the picker; selected ones first. */
export function pickVolunteers(volunteers, query, selected = new Set()) {
  const q = String(query).trim().toLowerCase();
  const hits = volunteers.filter((v) => !q || [v.name, v.number, v.organisation ?? '', v.skills ?? '', v.line ?? '']
    .join(' ').toLowerCase().includes(q));
  return [...hits.filter((v) => selected.has(v.id)), ...hits.filter((v) => !selected.has(v.id))];
}

/** Search hits → one entry per household (a household appears once, with the matching names). */
export function householdHits(hits) {
  const byId = new Map();
  for (const hit of hits) {
    const entry = byId.get(hit.household_id) ?? { id: hit.household_id, address: hit.address, names: [] };
    if (!entry.names.includes(hit.name)) entry.names.push(hit.name);
    byId.set(hit.household_id, entry);
  }
  return [...byId.values()];
}
