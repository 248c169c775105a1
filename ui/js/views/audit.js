// 操作日志 (#/audit): every change recorded by the core, newest first — filters (date range, operator, action,
// entity, text), a table of time, operator, action, entity and summary with an expandable 修改内容 list
// (field: before → after; ID numbers and phones arrive masked), paging and an empty state. Read-only: the core
// has no method that edits or deletes the trail.
import { html, setHtml } from '../html.js';
import { t } from '../i18n.js';
import { auditChain, auditLog, auditOperators } from '../actions/audit.js';
import { errorText } from '../components/errors.js';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, AUDIT_PAGE_SIZE, auditFilter, changeLines, pageInfo } from '../audit-model.js';

const words = () => ({ empty: t('audit.emptyValue'), yes: t('audit.yes'), no: t('audit.no') });

function options(values, blank, selected = '') {
  return html`<option value="">${blank}</option>${values.map((v) => html`<option value="${v}" ${v === selected ? html`selected` : ''}>${v}</option>`)}`;
}

function filtersMarkup(operators) {
  return html`<form class="filters" id="audit-filters" role="search">
    <div class="filter filter-date"><label class="field-label" for="audit-from">${t('audit.from')}</label>
      <input class="input" type="date" id="audit-from" name="from"></div>
    <div class="filter filter-date"><label class="field-label" for="audit-to">${t('audit.to')}</label>
      <input class="input" type="date" id="audit-to" name="to"></div>
    <div class="filter"><label class="field-label" for="audit-operator">${t('audit.operator')}</label>
      <select class="input" id="audit-operator" name="operator">${options(operators, t('audit.allOperators'))}</select></div>
    <div class="filter"><label class="field-label" for="audit-action">${t('audit.action')}</label>
      <select class="input" id="audit-action" name="action">${options(AUDIT_ACTIONS, t('audit.allActions'))}</select></div>
    <div class="filter"><label class="field-label" for="audit-entity">${t('audit.entity')}</label>
      <select class="input" id="audit-entity" name="entity">${options(AUDIT_ENTITIES, t('audit.allEntities'))}</select></div>
    <div class="filter filter-wide"><label class="field-label" for="audit-query">${t('audit.query')}</label>
      <input class="input" type="search" id="audit-query" name="query" placeholder="${t('audit.queryHint')}"></div>
    <div class="filter filter-buttons">
      <button type="submit" class="button button-primary" id="audit-apply">${t('audit.apply')}</button>
      <button type="reset" class="button" id="audit-reset">${t('audit.reset')}</button>
    </div>
  </form>`;
}

/** The expandable 修改内容 of one record (nothing when it changed no field). */
export function changesMarkup(row) {
  const lines = changeLines(row, words());
  if (!lines.length) return html`<span class="muted">${t('audit.noChanges')}</span>`;
  return html`<details class="audit-changes">
    <summary>${t('audit.changesCount', { count: lines.length })}</summary>
    <ul class="audit-change-list">${lines.map((l) => html`<li data-field="${l.field}">
      <span class="audit-field">${l.label}</span>：${l.added
        ? html`<span class="audit-after">${l.after}</span>`
        : html`<span class="audit-before">${l.before}</span> → <span class="audit-after">${l.after}</span>`}</li>`)}</ul>
  </details>`;
}

function rowMarkup(row) {
  return html`<tr data-id="${row.id}">
    <td class="nowrap">${row.at}</td>
    <td class="nowrap">${row.operator}</td>
    <td class="nowrap">${row.action}</td>
    <td class="nowrap">${row.entity}</td>
    <td class="audit-summary">${row.summary}${row.carried_from
      ? html`<span class="audit-carried" title="${row.carried_from}">${t('audit.carried', { mark: row.carried_from })}</span>` : ''}</td>
    <td>${changesMarkup(row)}</td>
  </tr>`;
}

function listMarkup(page, offset, filtered) {
  if (!page.rows.length) {
    return html`<div class="empty" id="audit-empty"><p>${filtered ? t('audit.emptyFiltered') : t('audit.emptyAll')}</p></div>`;
  }
  const info = pageInfo(page.total, offset, AUDIT_PAGE_SIZE);
  return html`<div class="table-wrap"><table class="table audit-table" id="audit-table">
      <caption class="visually-hidden">${t('audit.title')}</caption>
      <thead><tr><th scope="col">${t('audit.colAt')}</th><th scope="col">${t('audit.colOperator')}</th>
        <th scope="col">${t('audit.colAction')}</th><th scope="col">${t('audit.colEntity')}</th>
        <th scope="col">${t('audit.colSummary')}</th><th scope="col">${t('audit.colChanges')}</th></tr></thead>
      <tbody>${page.rows.map(rowMarkup)}</tbody>
    </table></div>
    <div class="pager">
      <span class="pager-total" role="status">${t('audit.range', info)}</span>
      <button type="button" class="button" id="audit-prev" ${info.hasPrev ? '' : html`disabled`}>${t('audit.prev')}</button>
      <button type="button" class="button" id="audit-next" ${info.hasNext ? '' : html`disabled`}>${t('audit.next')}</button>
    </div>`;
}

export function mount(root) {
  setHtml(root, html`<div class="page-head"><h1 class="page-title" tabindex="-1">${t('audit.title')}</h1></div>
    <p class="section-note">${t('audit.note')}</p>
    <div id="audit-chain" aria-live="polite"></div>
    <section class="card" id="audit-filter-card" aria-label="${t('audit.filters')}">${filtersMarkup([])}</section>
    <section class="card" id="audit-list" aria-live="polite"><p class="empty">${t('common.loading')}</p></section>`);
  const list = root.querySelector('#audit-list');
  let offset = 0;
  let values = {};

  const form = () => root.querySelector('#audit-filters');
  const read = () => Object.fromEntries(new FormData(form()).entries());
  const load = async () => {
    try {
      const page = await auditLog(auditFilter(values, offset));
      const filtered = Object.values(auditFilter(values)).some((v, i) => i < 6 && v !== null);
      if (root.isConnected) setHtml(list, listMarkup(page ?? { total: 0, rows: [] }, offset, filtered));
    } catch (error) {
      if (root.isConnected) setHtml(list, html`<div class="empty"><p>${errorText(error)}</p></div>`);
    }
  };

  root.addEventListener('submit', (event) => {
    if (event.target.id !== 'audit-filters') return;
    event.preventDefault();
    values = read();
    offset = 0;
    load();
  });
  root.addEventListener('reset', (event) => {
    if (event.target.id !== 'audit-filters') return;
    values = {};
    offset = 0;
    setTimeout(load, 0);
  });
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button) return;
    if (button.id === 'audit-prev') offset = Math.max(0, offset - AUDIT_PAGE_SIZE);
    else if (button.id === 'audit-next') offset += AUDIT_PAGE_SIZE;
    else return;
    load();
  });

  // The record chain (each record hashed with the one before it): a break means the log was edited behind the app's back.
  auditChain().then((broken) => {
    if (!root.isConnected || !broken) return;
    setHtml(root.querySelector('#audit-chain'), html`<p class="notice notice-danger audit-chain-broken" role="alert">
      <strong>${t('audit.chainBroken')}</strong> ${broken.message}</p>`);
  }).catch(() => {});
  auditOperators().then((operators) => {
    if (!root.isConnected || !operators?.length) return;
    const select = root.querySelector('#audit-operator');
    const chosen = select.value;
    setHtml(select, options(operators, t('audit.allOperators'), chosen));
  }).catch(() => {});
  load();

  return { update() {} };
}
