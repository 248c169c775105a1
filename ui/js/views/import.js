// Import (#/import): choose a register file, check the detected columns and the dry run, import, then the result.
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t } from '../i18n.js';
import { getState } from '../store.js';
import { pickSaveFile } from '../actions/files.js';
import { chooseImportFile, exportRejectedRows, runImport, setImportColumn, setImportSheet } from '../actions/import.js';
import { HOUSEHOLDS } from '../router.js';
import { fileNameOf, orDash } from '../format.js';
import { appliedColumns, columnLetter, FIELDS, rejectedRowCount } from '../import-model.js';
import { badge } from '../components/badges.js';
import { errorText, reportError } from '../components/errors.js';
import { toast } from '../components/toast.js';

const fieldLabel = (field) => (field ? t(`importField.${field}`) : t('importField.none'));

/** The preview that belongs to the chosen sheet, or null while another sheet is being read. */
const shownPreview = (s) => (s.preview && (s.sheet === null || s.preview.report.sheet === s.sheet) ? s.preview : null);

const stepTitle = (n, text, id) => html`<h2 class="section-title step-title" id="${id}" tabindex="-1">
  <span class="step-num" aria-hidden="true">${n}</span><span>${text}</span></h2>`;

const errorBox = (lead, error) => html`<div class="form-error import-error" role="alert" tabindex="-1">
  <span class="form-error-line">${lead}</span><span class="form-error-line">${errorText(error)}</span></div>`;

function chooseMarkup(s) {
  if (s.result) return html``;
  return html`<section class="card import-step" aria-labelledby="import-step1-title">
    ${stepTitle(1, t('import.step1'), 'import-step1-title')}
    <div class="import-choose-row">
      <button type="button" class="button button-primary button-big import-choose" id="import-choose" ${s.running ? html`disabled` : ''}>
        <span class="button-big-title">${t('import.choose')}</span>
      </button>
      <div class="import-choose-text">
        <p class="import-types">${t('import.types')}</p>
        <p class="muted">${t('import.safe')}</p>
      </div>
    </div>
    ${s.path ? html`<p class="import-file">${t('import.chosen')} <strong class="break">${fileNameOf(s.path)}</strong>
      <span class="import-path break">${s.path}</span></p>` : ''}
  </section>`;
}

function sheetControl(sheets, value, disabled) {
  if (sheets.length <= 1) return html`<span>${value ?? sheets[0] ?? ''}</span>`;
  return html`<label class="visually-hidden" for="import-sheet">${t('import.sheet')}</label>
    <select class="input import-sheet" id="import-sheet" ${disabled ? html`disabled` : ''}>
      ${sheets.map((name) => html`<option value="${name}" ${name === value ? html`selected` : ''}>${name}</option>`)}
    </select>`;
}

function fieldSelect(column, disabled) {
  const options = [null, ...FIELDS];
  return html`<select class="input import-field" id="import-field-${column.index}" data-index="${column.index}"
      aria-label="${t('import.fieldOf', { column: columnLetter(column.index), header: column.header || t('import.noHeader') })}" ${disabled ? html`disabled` : ''}>
    ${options.map((field) => html`<option value="${field ?? ''}" ${field === (column.field ?? null) ? html`selected` : ''}>${fieldLabel(field)}</option>`)}
  </select>`;
}

const firstValue = (sample, index) => sample.map((row) => row.cells?.[index] ?? '').find((v) => String(v).trim() !== '') ?? null;

function mappingMarkup(columns, sample, corrections, disabled) {
  const chosen = new Set(corrections.map((c) => c.index));
  return html`<div class="table-wrap"><table id="import-mapping" class="table import-mapping">
    <caption class="visually-hidden">${t('import.mappingTitle')}</caption>
    <thead><tr>
      <th scope="col">${t('import.colLetter')}</th><th scope="col">${t('import.colHeader')}</th>
      <th scope="col">${t('import.colExample')}</th><th scope="col">${t('import.colField')}</th>
    </tr></thead>
    <tbody>${columns.map((c) => {
      const unknown = c.field === null && String(c.header ?? '').trim() !== '' && !chosen.has(c.index);
      const classes = unknown ? 'is-unknown' : c.field === null ? 'is-ignored' : '';
      return html`<tr class="${classes}" data-index="${c.index}">
        <td class="nowrap mono">${columnLetter(c.index)}</td>
        <th scope="row">${c.header ? c.header : html`<span class="muted">${t('import.noHeader')}</span>`}
          ${unknown ? badge(t('import.unknown'), 'warn') : ''}</th>
        <td class="import-example">${orDash(firstValue(sample, c.index))}</td>
        <td class="import-field-cell">${fieldSelect(c, disabled)}</td>
      </tr>`;
    })}</tbody>
  </table></div>`;
}

function sampleMarkup(columns, sample) {
  if (!sample.length) return html`<p class="empty">${t('import.noRows')}</p>`;
  return html`<div class="table-wrap"><table id="import-sample" class="table table-compact">
    <caption class="visually-hidden">${t('import.sampleTitle', { count: sample.length })}</caption>
    <thead><tr>
      <th scope="col" class="num">${t('import.colRow')}</th>
      ${columns.map((c) => html`<th scope="col" class="${c.field === null ? 'is-ignored' : ''}">${c.header || columnLetter(c.index)}</th>`)}
    </tr></thead>
    <tbody>${sample.map((row) => html`<tr>
      <td class="num">${row.row_number}</td>
      ${columns.map((c) => html`<td class="${c.field === null ? 'is-ignored' : ''}">${row.cells?.[c.index] ?? ''}</td>`)}
    </tr>`)}</tbody>
  </table></div>`;
}

function issuesTable(id, issues, reasonLabel) {
  return html`<div class="table-wrap scroll-box"><table id="${id}" class="table import-issues">
    <thead><tr>
      <th scope="col" class="nowrap">${t('import.colRow')}</th><th scope="col" class="nowrap">${t('import.colColumn')}</th>
      <th scope="col">${reasonLabel}</th>
    </tr></thead>
    <tbody>${issues.map((issue) => html`<tr>
      <td class="nowrap">${t('import.rowN', { row: issue.row })}</td>
      <td class="nowrap">${orDash(issue.column)}</td>
      <td>${issue.reason}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

function rejectedMarkup(report, tableId) {
  const issues = report.rejected ?? [];
  return html`<h3 class="sub-title">${t('import.rejectedTitle', { count: rejectedRowCount(report) })}</h3>
    ${issues.length ? issuesTable(tableId, issues, t('import.colReason')) : html`<p class="import-ok">${t('import.noProblems')}</p>`}`;
}

function warningsMarkup(report, open) {
  const warnings = report.warnings ?? [];
  if (!warnings.length) return html`<p class="muted import-no-warnings">${t('import.noWarnings')}</p>`;
  return html`<details class="import-warnings" id="import-warnings" ${open ? html`open` : ''}>
    <summary>${t('import.warningsTitle', { count: warnings.length })}</summary>
    ${issuesTable('import-warnings-table', warnings, t('import.colNote'))}
  </details>`;
}

const summaryText = (report) => t('import.summary', {
  households: report.households_created,
  created: report.residents_created,
  updated: report.residents_updated,
  unchanged: report.residents_unchanged,
  rejected: rejectedRowCount(report),
  skipped: (report.skipped ?? []).length,
});

function previewMarkup(s, ui) {
  if (!s.path || s.result) return html``;
  const shown = shownPreview(s);
  const head = stepTitle(2, t('import.step2'), 'import-step2-title');
  if (!shown) {
    return html`<section class="card import-step" id="import-preview" aria-labelledby="import-step2-title" aria-busy="${s.loading ? 'true' : 'false'}">
      ${head}
      ${s.sheets.length > 1 ? html`<dl class="facts import-facts"><div><dt>${t('import.sheet')}</dt><dd>${sheetControl(s.sheets, s.sheet, s.loading)}</dd></div></dl>` : ''}
      ${s.error ? errorBox(t('import.previewFailed'), s.error) : html`<p class="empty" role="status">${t('import.reading')}</p>`}
    </section>`;
  }
  const { report, sample = [] } = shown;
  const columns = appliedColumns(report.columns ?? [], s.corrections);
  const locked = s.running;
  return html`<section class="card import-step" id="import-preview" aria-labelledby="import-step2-title" aria-busy="${s.loading ? 'true' : 'false'}">
    ${head}
    <dl class="facts import-facts">
      <div><dt>${t('import.file')}</dt><dd class="break">${fileNameOf(s.path)}</dd></div>
      <div><dt>${t('import.sheet')}</dt><dd>${sheetControl(s.sheets.length ? s.sheets : report.sheets ?? [], report.sheet, locked)}</dd></div>
      <div><dt>${t('import.headerRow')}</dt><dd>${t('import.rowN', { row: report.header_row })}</dd></div>
      <div><dt>${t('import.dataRows')}</dt><dd>${t('import.nRows', { count: report.data_rows })}</dd></div>
    </dl>
    ${s.error ? errorBox(t('import.previewFailed'), s.error) : ''}
    ${s.loading ? html`<p class="import-rechecking" role="status">${t('import.rechecking')}</p>` : ''}
    <div class="list-status${s.loading ? ' is-loading' : ''}">
      <h3 class="sub-title">${t('import.mappingTitle')}</h3>
      <p class="section-note">${t('import.mappingNote')}</p>
      ${mappingMarkup(columns, sample, s.corrections, locked)}
      <h3 class="sub-title">${t('import.sampleTitle', { count: sample.length })}</h3>
      ${sampleMarkup(columns, sample)}
      ${s.error ? '' : html`<h3 class="sub-title">${t('import.checkTitle')}</h3>
      <p class="import-summary" id="import-summary">${summaryText(report)}</p>
      ${rejectedMarkup(report, 'import-errors')}
      ${warningsMarkup(report, ui.warningsOpen)}`}
    </div>
  </section>`;
}

function progressMarkup(progress) {
  const total = progress?.total ?? 0;
  const done = Math.min(progress?.done ?? 0, total);
  return html`<div class="import-progress">
    <p class="import-running" role="status">${t('import.running')}</p>
    ${progress ? html`<progress id="import-progress" max="${Math.max(total, 1)}" value="${done}"></progress>
      <p class="import-count">${t('import.progress', { done, total })}</p>`
    : html`<progress id="import-progress"></progress>`}
  </div>`;
}

function runMarkup(s) {
  const shown = shownPreview(s);
  // With an error the last check no longer applies: the run step comes back once the file checks again.
  if (!s.path || s.result || !shown || s.error) return html``;
  const report = shown.report;
  const rejected = rejectedRowCount(report);
  const importable = Math.max(0, (report.data_rows ?? 0) - rejected);
  const blocked = s.running || s.loading || importable === 0;
  return html`<section class="card import-step" aria-labelledby="import-step3-title">
    ${stepTitle(3, t('import.step3'), 'import-step3-title')}
    <p class="section-note">${rejected ? t('import.runNoteRejected', { count: rejected }) : t('import.runNote')}</p>
    ${importable === 0 && !s.loading ? html`<p class="notice">${t('import.nothingToImport')}</p>` : ''}
    <button type="button" class="button button-primary button-large" id="import-run" ${blocked ? html`disabled` : ''}>
      ${s.running ? t('import.runBusy') : t('import.run')}</button>
    ${s.running ? progressMarkup(s.progress) : ''}
    ${s.runError ? errorBox(t('import.runFailed'), s.runError) : ''}
  </section>`;
}

function reportMarkup(s, ui) {
  const r = s.result;
  if (!r) return html``;
  const rejected = rejectedRowCount(r);
  const total = (label, value) => html`<div class="total"><dt>${label}</dt><dd>${value}</dd></div>`;
  return html`<section class="card import-step" id="import-report" aria-labelledby="import-report-title">
    ${stepTitle(4, t('import.doneTitle'), 'import-report-title')}
    <p class="import-file">${t('import.doneFile', { file: fileNameOf(s.path), sheet: r.sheet })}</p>
    <dl class="totals">
      ${total(t('import.tHouseholds'), t('import.nHouseholds', { count: r.households_created }))}
      ${total(t('import.tCreated'), t('import.nPeople', { count: r.residents_created }))}
      ${total(t('import.tUpdated'), t('import.nPeople', { count: r.residents_updated }))}
      ${total(t('import.tUnchanged'), t('import.nPeople', { count: r.residents_unchanged }))}
      ${total(t('import.tRejected'), t('import.nRows', { count: rejected }))}
      ${total(t('import.tSkipped'), t('import.nRows', { count: (r.skipped ?? []).length }))}
    </dl>
    ${rejected ? html`<div class="import-rejected">
        <p class="notice">${t('import.doneRejected', { count: rejected })}</p>
        <button type="button" class="button" id="import-export-rejected">${t('import.exportRejected')}</button>
      </div>
      ${rejectedMarkup(r, 'import-errors')}` : html`<p class="import-ok">${t('import.doneAll')}</p>`}
    ${warningsMarkup(r, ui.warningsOpen)}
    <div class="import-next">
      <button type="button" class="button button-primary" id="import-again">${t('import.again')}</button>
      <a class="button" href="${HOUSEHOLDS}" id="import-to-households">${t('import.toHouseholds')}</a>
    </div>
  </section>`;
}

async function exportRejected(button) {
  const report = getState().importer.result;
  if (!report) return;
  button.disabled = true;
  try {
    const out = await pickSaveFile('xlsx', t('import.rejectedFileName'));
    if (!out) return;
    await exportRejectedRows(out, report.headers, report.rejected_rows);
    toast(t('import.rejectedSaved', { path: out }));
  } catch (error) {
    reportError(error);
  } finally {
    if (button.isConnected) button.disabled = false;
  }
}

export function mount(root, state) {
  setHtml(root, html`<div class="page-head"><h1 class="page-title" tabindex="-1">${t('import.title')}</h1></div>
    <div data-slot="choose"></div>
    <div data-slot="preview"></div>
    <div data-slot="run"></div>
    <div data-slot="report"></div>`);
  const slot = (name) => root.querySelector(`[data-slot="${name}"]`);
  // View-only state: whether the warnings list is open (kept across re-renders).
  const ui = { warningsOpen: false };
  // Each part re-renders only when the fields it shows change (progress messages touch only the run step).
  const parts = [
    { el: slot('choose'), keys: ['path', 'running', 'result'], render: chooseMarkup },
    { el: slot('preview'), keys: ['path', 'sheet', 'sheets', 'corrections', 'preview', 'loading', 'error', 'running', 'result'], render: previewMarkup },
    { el: slot('run'), keys: ['path', 'sheet', 'preview', 'loading', 'error', 'running', 'progress', 'runError', 'result'], render: runMarkup },
    { el: slot('report'), keys: ['path', 'result'], render: reportMarkup },
  ];
  const paint = (s, prev) => {
    for (const part of parts) {
      if (!prev || part.keys.some((key) => s[key] !== prev[key])) setHtmlKeepFocus(part.el, part.render(s, ui));
    }
  };
  paint(state.importer, null);

  const focusSoon = (selector) => {
    const el = root.querySelector(selector);
    if (!el) return;
    el.focus();
    el.scrollIntoView({ block: 'start' });
  };

  root.addEventListener('click', async (event) => {
    const button = event.target.closest('button');
    if (!button || button.disabled) return;
    if (button.id === 'import-choose' || button.id === 'import-again') {
      if (await chooseImportFile() && button.id === 'import-again') focusSoon('.page-title');
    } else if (button.id === 'import-run') {
      const running = runImport();
      root.querySelector('.import-progress')?.scrollIntoView({ block: 'nearest' });
      await running;
      const after = getState().importer;
      if (after.result) focusSoon('#import-report-title');
      else if (after.runError) root.querySelector('.import-error')?.focus();
    } else if (button.id === 'import-export-rejected') {
      exportRejected(button);
    }
  });
  root.addEventListener('change', (event) => {
    const el = event.target;
    if (el.id === 'import-sheet') setImportSheet(el.value);
    else if (el.classList.contains('import-field')) setImportColumn(Number(el.dataset.index), el.value === '' ? null : el.value);
  });
  // 'toggle' does not bubble: listen in the capture phase.
  root.addEventListener('toggle', (event) => {
    if (event.target.id === 'import-warnings') ui.warningsOpen = event.target.open;
  }, true);

  return {
    update(next, prev) {
      if (next.importer !== prev.importer) paint(next.importer, prev.importer);
    },
  };
}
