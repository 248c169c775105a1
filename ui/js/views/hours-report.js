// The 统计 tab: confirmed hours for a period by volunteer, line, organisation and month (pending ones are named but
// never counted); 打印 PDF, 导出 Excel, and 证明 per volunteer (志愿服务记录证明, a draft for the office to stamp).
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t } from '../i18n.js';
import { latestOnly } from '../latest.js';
import { openFile, pickSaveFile } from '../actions/files.js';
import { exportHours, hoursReport } from '../actions/hours.js';
import { printCertificate as printCertificateAction, printHoursReport } from '../actions/printing.js';
import { getState } from '../store.js';
import { orDash, safeFileName } from '../format.js';
import { normaliseDate } from '../activity-model.js';
import { checkRange, defaultReportRange, durationText, hoursDecimal, monthLabel, periodFilePart, periodText, share } from '../volunteer-model.js';
import { lineBadge } from '../components/badges.js';
import { errorText, reportError } from '../components/errors.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { toast } from '../components/toast.js';
import { deliverPrinted, printToChosenFile } from './print-result.js';
import { withBusy } from '../components/busy.js';

function filterMarkup(s) {
  const dateField = (id, key, label) => html`<div class="filter filter-date">
    <label class="field-label" for="${id}">${label}</label>
    <input class="input" id="${id}" value="${s[key] ?? ''}" placeholder="${t('period.datePlaceholder')}" autocomplete="off" aria-describedby="${id}-error">
    <p class="field-error" data-field="${key}" id="${id}-error" hidden></p>
  </div>`;
  return html`${dateField('report-from', 'from', t('period.from'))}
    ${dateField('report-to', 'to', t('period.to'))}
    <div class="filter filter-buttons">
      <button type="submit" class="button button-primary" id="report-run">${t('hoursReport.run')}</button>
      <button type="button" class="button" id="report-print">${t('hoursReport.print')}</button>
      <button type="button" class="button" id="report-export">${t('hoursReport.export')}</button>
    </div>`;
}

const hoursCells = (g) => html`<td class="num nowrap">${durationText(g.minutes, t)}</td><td class="num mono">${hoursDecimal(g.minutes)}</td>`;

function groupTable(id, caption, labelHead, groups, total, label) {
  if (!groups?.length) return html`<p class="muted">${t('hoursReport.noneHere')}</p>`;
  return html`<div class="table-wrap"><table class="table report-table" id="${id}">
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr><th scope="col">${labelHead}</th><th scope="col" class="num">${t('hoursReport.colVolunteers')}</th>
      <th scope="col" class="num">${t('hoursReport.colEntries')}</th><th scope="col" class="num">${t('hoursReport.colDuration')}</th>
      <th scope="col" class="num">${t('hoursReport.colHours')}</th><th scope="col">${t('hoursReport.colShare')}</th></tr></thead>
    <tbody>${groups.map((g) => html`<tr><th scope="row">${label(g)}</th><td class="num">${g.volunteers ?? ''}</td><td class="num">${g.entries ?? ''}</td>
      ${hoursCells(g)}<td class="share-cell"><span class="share"><meter min="0" max="100" value="${share(g.minutes, total)}" aria-hidden="true"></meter>
        <span class="mono">${share(g.minutes, total)}%</span></span></td></tr>`)}</tbody>
  </table></div>`;
}

function volunteerTable(report) {
  const rows = report.by_volunteer ?? [];
  if (!rows.length) return html`<p class="muted">${t('hoursReport.noneHere')}</p>`;
  return html`<div class="table-wrap"><table class="table report-table" id="report-volunteers">
    <caption class="visually-hidden">${t('hoursReport.byVolunteer')}</caption>
    <thead><tr><th scope="col">${t('volunteers.colNumber')}</th><th scope="col">${t('volunteers.colName')}</th>
      <th scope="col">${t('volunteers.colLine')}</th><th scope="col">${t('hoursReport.colOrganisation')}</th>
      <th scope="col" class="num">${t('hoursReport.colEntries')}</th><th scope="col" class="num">${t('hoursReport.colDuration')}</th>
      <th scope="col" class="num">${t('hoursReport.colHours')}</th><th scope="col"><span class="visually-hidden">${t('volunteers.colActions')}</span></th></tr></thead>
    <tbody>${rows.map((v) => html`<tr data-id="${v.volunteer_id}">
      <td class="mono nowrap">${v.number}</td><th scope="row" class="nowrap">${v.name}</th>
      <td>${lineBadge(v.line, { short: true })}</td><td>${orDash(v.organisation)}</td><td class="num">${v.entries}</td>
      ${hoursCells(v)}
      <td><button type="button" class="button button-small report-certificate" id="report-certificate-${v.volunteer_id}"
        aria-label="${t('hoursReport.certificateOf', { name: v.name })}">${t('hoursReport.certificate')}</button></td>
    </tr>`)}</tbody>
  </table></div>`;
}

function reportMarkup(s) {
  if (!s.loaded) return html`<p class="empty">${t('common.loading')}</p>`;
  if (s.error && !s.report) return html`<div class="empty"><p>${errorText(s.error)}</p></div>`;
  const r = s.report;
  const period = periodText(r.from ?? s.from, r.to ?? s.to, t);
  const entries = (r.by_volunteer ?? []).reduce((sum, v) => sum + (v.entries ?? 0), 0);
  const head = html`<h2 class="section-title" id="report-period">${t('hoursReport.heading', { period })}</h2>
    <dl class="totals report-totals">
      <div class="total" id="report-total"><dt>${t('hoursReport.total')}</dt><dd>${durationText(r.total_minutes, t)}</dd></div>
      <div class="total"><dt>${t('hoursReport.totalHours')}</dt><dd class="mono">${hoursDecimal(r.total_minutes)}</dd></div>
      <div class="total"><dt>${t('hoursReport.volunteers')}</dt><dd>${(r.by_volunteer ?? []).length}</dd></div>
      <div class="total"><dt>${t('hoursReport.entries')}</dt><dd>${entries}</dd></div>
      <div class="total total-pending"><dt>${t('hoursReport.pending')}</dt><dd>${durationText(r.pending_minutes ?? 0, t)}</dd></div>
    </dl>
    <p class="field-hint">${t('hoursReport.confirmedOnly')}</p>`;
  if (!r.total_minutes) {
    return html`${head}<div class="empty" id="report-empty"><p>${t('hoursReport.empty', { period })}</p>
      ${r.pending_minutes ? html`<p class="muted">${t('hoursReport.emptyPending')}</p>` : ''}</div>`;
  }
  const total = r.total_minutes;
  return html`${head}
    <h3 class="sub-title">${t('hoursReport.byVolunteer')}</h3>${volunteerTable(r)}
    <div class="report-groups">
      <section><h3 class="sub-title">${t('hoursReport.byLine')}</h3>
        ${groupTable('report-lines', t('hoursReport.byLine'), t('volunteers.colLine'), r.by_line, total, (g) => lineBadge(g.label))}</section>
      <section><h3 class="sub-title">${t('hoursReport.byOrganisation')}</h3>
        ${groupTable('report-orgs', t('hoursReport.byOrganisation'), t('hoursReport.colOrganisation'), r.by_organisation, total, (g) => g.label)}</section>
      <section><h3 class="sub-title">${t('hoursReport.byMonth')}</h3>
        ${groupTable('report-months', t('hoursReport.byMonth'), t('hoursReport.colMonth'), r.by_month, total, (g) => monthLabel(g.label, t))}</section>
    </div>`;
}


export function mountHoursReport(panel, ctx) {
  const range = defaultReportRange(ctx.today());
  const s = { from: range.from, to: range.to, report: null, loaded: false, error: null };
  setHtml(panel, html`<p class="section-note">${t('hoursReport.note')}</p>
    <form class="card filters" id="report-filter" aria-label="${t('hoursReport.filters')}" novalidate></form>
    <section class="card" id="report-results" aria-label="${t('volunteers.tab.report')}"></section>`);
  const form = panel.querySelector('#report-filter');
  const results = panel.querySelector('#report-results');
  setHtml(form, filterMarkup(s));
  const paint = () => setHtmlKeepFocus(results, reportMarkup(s));
  const latest = latestOnly();

  /** The typed period, or null (with the problems shown under the inputs). */
  const readRange = () => {
    clearErrors(form);
    for (const id of ['report-from', 'report-to']) {
      const input = form.querySelector(`#${id}`);
      input.value = normaliseDate(input.value);
    }
    const checked = checkRange(form.querySelector('#report-from').value, form.querySelector('#report-to').value, t);
    if (checked.problems.length) {
      showErrors(form, { kind: 'invalid', message: '', fields: checked.problems });
      return null;
    }
    return checked;
  };

  const load = async () => {
    const checked = readRange();
    if (!checked) return;
    Object.assign(s, { from: checked.from, to: checked.to });
    const delivered = await latest(() => hoursReport(s.from, s.to), {
      done: (report) => Object.assign(s, { report, loaded: true, error: null }),
      failed: (error) => {
        Object.assign(s, { loaded: true, error });
        reportError(error);
      },
    });
    if (delivered) paint();
  };

  const community = () => getState().app?.community_name ?? '';
  const printReport = (button) => withBusy(button, async () => {
    const checked = readRange();
    if (!checked) return;
    const name = t('hoursReport.pdfFile', { community: community(), period: periodFilePart(checked.from, checked.to, t) });
    const printed = await printToChosenFile(name, (out) => printHoursReport(checked.from, checked.to, out));
    if (printed) await deliverPrinted(printed);
  }).catch(reportError);
  const exportReport = (button) => withBusy(button, async () => {
    const checked = readRange();
    if (!checked) return;
    const out = await pickSaveFile('xlsx', safeFileName(t('hoursReport.xlsxFile', { community: community(), period: periodFilePart(checked.from, checked.to, t) })));
    if (!out) return;
    const count = await exportHours(checked.from, checked.to, out);
    try {
      await openFile(out);
      toast(t('hoursReport.exported', { count: count ?? 0 }));
    } catch (error) {
      toast(t('hoursReport.exportedNotOpened', { count: count ?? 0, message: errorText(error) }), 'error');
    }
  }).catch(reportError);
  const printCertificate = (button, v) => withBusy(button, async () => {
    const name = t('hoursReport.certificateFile', { name: v.name, number: v.number, period: periodFilePart(s.from, s.to, t) });
    const printed = await printToChosenFile(name, (out) => printCertificateAction(v.volunteer_id, s.from, s.to, out));
    if (printed) await deliverPrinted(printed, { missingId: 'certificate-missing' });
  }).catch(reportError);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  form.addEventListener('click', (event) => {
    const print = event.target.closest('#report-print');
    const exp = event.target.closest('#report-export');
    if (print) printReport(print);
    else if (exp) exportReport(exp);
  });
  results.addEventListener('click', (event) => {
    const button = event.target.closest('.report-certificate');
    if (!button) return;
    const v = (s.report?.by_volunteer ?? []).find((row) => row.volunteer_id === Number(button.closest('tr').dataset.id));
    if (v) printCertificate(button, v);
  });

  paint();
  return {
    show() {
      load();
    },
  };
}
