// The activity page's printing: 报名表 (with blank rows), 签到表 and the series' 考勤表, each saved where the user
// chooses and opened in the system viewer.
import { html } from '../../html.js';
import { t } from '../../i18n.js';
import { todayDate } from '../../actions/basics.js';
import { printActivitySheet, printAttendance } from '../../actions/printing.js';
import { parseCount } from '../../activity-model.js';
import { KEEP_OPEN, openFormDialog } from '../../components/dialog.js';
import { reportError } from '../../components/errors.js';
import { field, textInput } from '../../components/fields.js';
import { deliverPrinted, printToChosenFile } from '../print-result.js';
import { withBusy } from '../../components/busy.js';

const DEFAULT_BLANK_ROWS = 10;
const MAX_BLANK_ROWS = 200;


/** 打印报名表: how many blank rows to add, then where to save; the dialog stays open when the save dialog is cancelled. */
async function printSignUpSheet(d) {
  const printed = await openFormDialog({
    title: t('sheet.signUpTitle'),
    body: html`${field({ id: 'sheet-blank-rows', label: t('sheet.blankRows'), field: 'blank_rows', hint: t('sheet.blankRowsHint'),
        control: textInput({ id: 'sheet-blank-rows', value: String(DEFAULT_BLANK_ROWS), inputmode: 'numeric' }) })}
      <p class="section-note roster-note">${t('print.note')}</p>
      <p class="dialog-busy" role="status" hidden>${t('print.busy')}</p>`,
    submitId: 'sheet-print',
    cancelId: 'sheet-cancel',
    submitLabel: t('sheet.print'),
    onSubmit: async (form) => {
      const rows = parseCount(form.querySelector('#sheet-blank-rows').value);
      if (rows !== null && !(Number.isInteger(rows) && rows <= MAX_BLANK_ROWS)) {
        throw { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'blank_rows', message: t('sheet.blankRowsInvalid', { max: MAX_BLANK_ROWS }) }] };
      }
      const busy = form.querySelector('.dialog-busy');
      const result = await printToChosenFile(t('sheet.signUpFile', { title: d.title, date: d.date }), async (out) => {
        busy.hidden = false;
        try {
          return await printActivitySheet(d.id, 'sign_up', out, rows);
        } finally {
          busy.hidden = true;
        }
      });
      return result ?? KEEP_OPEN;
    },
  });
  if (printed && typeof printed === 'object') await deliverPrinted(printed);
}

async function printDirect(button, fileName, run) {
  let printed;
  try {
    printed = await withBusy(button, () => printToChosenFile(fileName, run));
  } catch (error) {
    reportError(error);
    return;
  }
  if (printed) await deliverPrinted(printed);
}

/** The print buttons of the details card. */
export function createPrinting(page) {
  return {
    handlers: {
      '#print-sign-up': () => printSignUpSheet(page.detail()),
      '#print-sign-in': (button) => {
        const d = page.detail();
        return printDirect(button, t('sheet.signInFile', { title: d.title, date: d.date }), (out) => printActivitySheet(page.id, 'sign_in', out, null));
      },
      '#print-attendance': (button) => {
        const d = page.detail();
        return printDirect(button, t('sheet.attendanceFile', { series: d.series_name ?? d.title, date: todayDate() }), (out) => printAttendance(d.series_id, out));
      },
    },
  };
}
