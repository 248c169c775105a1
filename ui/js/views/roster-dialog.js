// 打印花名册: choose a grid (or all) and — administrators only — whether to show full numbers, save the PDF, open it in
// the system viewer.
import { html } from '../html.js';
import { t } from '../i18n.js';
import { getState } from '../store.js';
import { loadHierarchy } from '../actions/basics.js';
import { pickSaveFile } from '../actions/files.js';
import { printRoster } from '../actions/printing.js';
import { localToday, safeFileName } from '../format.js';
import { KEEP_OPEN, openFormDialog } from '../components/dialog.js';
import { field, selectInput } from '../components/fields.js';
import { deliverPrinted } from './print-result.js';
import { isAdmin } from '../roles.js';

/**
 * Opens the dialog; `gridId` (the grid the list is filtered on, if any) is preselected.
 * Resolves with `{ path, pages, missing_characters }` once the PDF is written, or null when cancelled.
 */
export async function openRosterDialog({ gridId = null } = {}) {
  if (!getState().hierarchy) await loadHierarchy();
  const grids = getState().hierarchy?.grids ?? [];
  const current = grids.find((g) => g.id === gridId);
  const mayUnmask = isAdmin(getState().session);

  const body = html`${field({ id: 'roster-grid', label: t('roster.grid'), field: 'grid',
      control: selectInput({ id: 'roster-grid', blank: t('households.allGrids'), value: current?.name ?? '',
        choices: grids.map((g) => ({ value: g.name, label: g.name })) }) })}
    ${mayUnmask ? html`<div class="field roster-unmasked">
      <label class="check" for="roster-unmasked">
        <input type="checkbox" id="roster-unmasked" aria-describedby="roster-unmasked-hint"> <span>${t('roster.unmasked')}</span>
      </label>
      <p class="field-hint" id="roster-unmasked-hint">${t('roster.unmaskedHint')}</p>
    </div>` : html`<p class="field-hint roster-masked" id="roster-masked">${t('roster.maskedForStaff')}</p>`}
    <p class="section-note roster-note">${t('roster.note')}</p>
    <p class="dialog-busy" role="status" hidden>${t('roster.busy')}</p>`;

  const printed = await openFormDialog({
    title: t('roster.title'),
    body,
    submitId: 'roster-print',
    cancelId: 'roster-cancel',
    submitLabel: t('roster.print'),
    onSubmit: async (form) => {
      const grid = form.querySelector('#roster-grid').value;
      const unmasked = form.querySelector('#roster-unmasked')?.checked ?? false;
      const out = await pickSaveFile('pdf', safeFileName(t('roster.fileName', { date: localToday() })));
      if (!out) return KEEP_OPEN;
      const busy = form.querySelector('.dialog-busy');
      busy.hidden = false;
      try {
        return await printRoster(out, grid === '' ? null : grid, unmasked);
      } finally {
        busy.hidden = true;
      }
    },
  });
  if (!printed || typeof printed !== 'object') return null;
  return deliverPrinted(printed, { missingId: 'roster-missing', hint: t('roster.missingHint') });
}
