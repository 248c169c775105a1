// Pure helpers of the settings page's backup section (数据备份; no DOM, no IPC): the figures a backup holds beside the
// current ones, when it was made, and the line about automatic backups.

/** The figures shown before a restore, in order; each has the string key `backup.count.<key>`. */
export const COUNT_KEYS = ['households', 'residents', 'activities', 'volunteers', 'hour_entries', 'services', 'projects'];

/** "2026-11-29 09:30:12" → "2026-11-29 09:30"; '' for nothing. */
export function shortTime(text) {
  return typeof text === 'string' ? text.slice(0, 16) : '';
}

/**
 * One row per figure of an `inspect_backup` answer: `{ key, backup, current, differs }`. `current` is null when no
 * register is open (then nothing differs).
 */
export function countRows(preview) {
  return COUNT_KEYS.map((key) => {
    const backup = preview?.counts?.[key] ?? 0;
    const current = preview?.current ? (preview.current[key] ?? 0) : null;
    return { key, backup, current, differs: current !== null && current !== backup };
  });
}

/** When the backup was made: the stamp Xinghe wrote inside it, else the file's time (`fromFile`); null if neither. */
export function madeAt(info) {
  if (info?.created_at) return { time: shortTime(info.created_at), fromFile: false };
  if (info?.modified) return { time: shortTime(info.modified), fromFile: true };
  return null;
}

/** The automatic-backup line as a string key and its parameters, from `backup_status` (null while loading). */
export function autoStatus(status) {
  if (!status) return { key: 'common.loading', params: {} };
  if (!status.newest_at) return { key: 'backup.autoNone', params: {} };
  return { key: 'backup.autoLast', params: { time: shortTime(status.newest_at), count: status.count } };
}
