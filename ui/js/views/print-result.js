// After a PDF is written: open it in the system viewer, say how many pages, and list any characters no font could print.
// Shared by 打印花名册 and the activity sheets (报名表, 签到表, 考勤表).
import { html } from '../html.js';
import { t } from '../i18n.js';
import { openFile, pickSaveFile } from '../actions/files.js';
import { safeFileName } from '../format.js';
import { showNotice } from '../components/dialog.js';
import { errorText } from '../components/errors.js';
import { toast } from '../components/toast.js';

/** The characters one by one (whole code points, so 𠇔 stays one character), spaced for reading. */
export const spaced = (text) => [...String(text)].filter((c) => c.trim() !== '').join(' ');

/** Asks where to save the PDF (`fileName` suggested); resolves with `run(out)`'s answer, or null when cancelled. */
export async function printToChosenFile(fileName, run) {
  const out = await pickSaveFile('pdf', safeFileName(fileName));
  if (!out) return null;
  return run(out);
}

/**
 * Opens `printed` (`{ path, pages, missing_characters }`) and tells the user about it. The warning about missing
 * characters waits for 知道了; its message and button get `missingId` / `${missingId}-ok`.
 */
export async function deliverPrinted(printed, { missingId = 'print-missing', hint = t('print.missingHint') } = {}) {
  try {
    await openFile(printed.path);
    toast(t('print.done', { pages: printed.pages }));
  } catch (error) {
    toast(t('print.notOpened', { pages: printed.pages, message: errorText(error) }), 'error');
  }
  if (printed.missing_characters) {
    await showNotice({
      title: t('print.missingTitle'),
      body: html`<p class="dialog-message" id="${missingId}">${t('print.missing')}<span class="missing-chars" lang="zh-CN">${spaced(printed.missing_characters)}</span></p>
        <p class="field-hint">${hint}</p>`,
      okLabel: t('action.gotIt'),
      okId: `${missingId}-ok`,
    });
  }
  return printed;
}
