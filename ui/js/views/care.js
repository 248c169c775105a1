// 关爱走访 (#/care): the open services with 完成 / 编辑 / 取消, the care list (households with care needs or 80+,
// days since the last visit, overdue ones highlighted) with its threshold (saving it as the default is for
// administrators), 登记服务 and 打印走访清单.
import { html, setHtml, setHtmlKeepFocus } from '../html.js';
import { t, tv } from '../i18n.js';
import { getState } from '../store.js';
import { todayDate } from '../actions/basics.js';
import {
  applyCareThreshold, cancelService, emptyCare, loadDoneServices, reloadCare, resetCare, saveCareThreshold,
} from '../actions/care.js';
import { printCareList } from '../actions/printing.js';
import { householdHref, projectHref } from '../router.js';
import { careText, dateText, localToday, orDash } from '../format.js';
import { daysOver, filterCare, parseThreshold, providerNames, sortOpen } from '../care-model.js';
import { badge, badgeList, careTone } from '../components/badges.js';
import { confirmAction } from '../components/dialog.js';
import { errorText, reportError } from '../components/errors.js';
import { isAdmin } from '../roles.js';
import { clearErrors, showErrors } from '../components/form-errors.js';
import { toast } from '../components/toast.js';
import { deliverPrinted, printToChosenFile } from './print-result.js';
import { openServiceDone, openServiceForm } from './service-form.js';

/** How many finished services the 最近完成 list shows. */
const DONE_SHOWN = 30;

// ---------- Open services ----------

function providerMarkup(s) {
  const names = providerNames(s);
  return names.length ? names.join(t('careList.nameJoin')) : orDash(null);
}

function openRow(s, today) {
  return html`<tr data-service-id="${s.id}">
    <td class="nowrap">${dateText(s.requested_on, today)}</td>
    <td class="col-address"><a href="${householdHref(s.household_id)}">${s.address}</a>
      ${s.residents?.length ? html`<span class="care-names">${s.residents.join(t('careList.nameJoin'))}</span>` : ''}</td>
    <td class="nowrap">${badge(tv('serviceKind', s.kind), 'service')}</td>
    <td class="care-description">${orDash(s.description)}${s.project ? html` <a class="care-project" href="${projectHref(s.project_id)}">${s.project}</a>` : ''}</td>
    <td>${providerMarkup(s)}</td>
    <td><div class="row-actions">
      <button type="button" class="button button-small button-primary complete-service" id="complete-service-${s.id}"
        aria-label="${t('service.completeOf', { address: s.address })}">${t('service.complete')}</button>
      <button type="button" class="button button-small edit-service" id="edit-service-${s.id}"
        aria-label="${t('service.editOf', { address: s.address })}">${t('service.edit')}</button>
      <button type="button" class="button button-small button-danger cancel-service" id="cancel-service-${s.id}"
        aria-label="${t('service.cancelOf', { address: s.address })}">${t('service.cancel')}</button>
    </div></td>
  </tr>`;
}

function openMarkup(ui, today) {
  if (ui.open === null) return html`<p class="empty">${t('common.loading')}</p>`;
  if (!ui.open.length) return html`<p class="empty" id="open-services-empty">${t('service.noneOpen')}</p>`;
  return html`<div class="table-wrap"><table class="table" id="open-services-table">
    <caption class="visually-hidden">${t('service.openTitle', { count: ui.open.length })}</caption>
    <thead><tr><th scope="col">${t('service.colRequested')}</th><th scope="col">${t('service.colHousehold')}</th>
      <th scope="col">${t('service.colKind')}</th><th scope="col">${t('service.colDescription')}</th>
      <th scope="col">${t('service.colProvider')}</th><th scope="col"><span class="visually-hidden">${t('member.actions')}</span></th></tr></thead>
    <tbody>${sortOpen(ui.open).map((s) => openRow(s, today))}</tbody>
  </table></div>`;
}

function doneMarkup(ui, today) {
  if (ui.done === null) return html`<p class="empty">${t('common.loading')}</p>`;
  if (!ui.done.length) return html`<p class="empty">${t('service.noneDone')}</p>`;
  const rows = [...ui.done].sort((a, b) => String(b.done_on ?? b.cancelled_on ?? '').localeCompare(String(a.done_on ?? a.cancelled_on ?? '')))
    .slice(0, DONE_SHOWN);
  return html`<div class="table-wrap"><table class="table" id="done-services-table">
    <caption class="visually-hidden">${t('service.doneTitle')}</caption>
    <thead><tr><th scope="col">${t('service.colDone')}</th><th scope="col">${t('service.colHousehold')}</th>
      <th scope="col">${t('service.colKind')}</th><th scope="col">${t('service.colOutcome')}</th>
      <th scope="col">${t('service.colProvider')}</th><th scope="col">${t('service.colFollowUp')}</th></tr></thead>
    <tbody>${rows.map((s) => html`<tr class="${s.cancelled_on ? 'is-gone' : ''}">
      <td class="nowrap">${s.cancelled_on ? html`${dateText(s.cancelled_on, today)} ${badge(t('service.cancelled'), 'gone')}` : dateText(s.done_on, today)}</td>
      <td class="col-address"><a href="${householdHref(s.household_id)}">${s.address}</a></td>
      <td class="nowrap">${tv('serviceKind', s.kind)}</td>
      <td class="care-description">${orDash(s.outcome || s.description)}</td>
      <td>${providerMarkup(s)}</td>
      <td class="nowrap">${s.follow_up_on ? dateText(s.follow_up_on, today) : orDash(null)}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

// ---------- The care list ----------

function peopleMarkup(people) {
  return html`<ul class="care-people">${people.map((p) => html`<li><span class="care-person">${p.name}</span>${p.age !== null && p.age !== undefined
    ? html`<span class="muted"> ${t('common.age', { age: p.age })}</span>` : ''}
    ${badgeList([...(p.care_needs ?? []).map((need) => badge(careText(need), careTone(need.kind))),
      ...(p.aged ? [badge(t('badge.aged'), 'aged')] : [])])}</li>`)}</ul>`;
}

function careRow(h, threshold, today) {
  const over = daysOver(h, threshold);
  const never = h.days_since === null || h.days_since === undefined;
  return html`<tr data-household-id="${h.household_id}" class="${h.overdue ? 'is-overdue' : ''}">
    <td class="col-address"><a href="${householdHref(h.household_id)}">${h.address}</a>
      ${h.building_head ? html`<span class="care-head">${t('careList.buildingHead', { name: h.building_head })}</span>` : ''}</td>
    <td>${peopleMarkup(h.people ?? [])}</td>
    <td class="nowrap">${h.last_visit_on ? html`${dateText(h.last_visit_on, today)}${h.last_visit_kind
      ? html`<span class="care-kind">${tv('serviceKind', h.last_visit_kind)}</span>` : ''}` : orDash(null)}</td>
    <td class="nowrap care-days">${never ? badge(t('careList.never'), 'late')
      : html`<span class="care-days-value">${t('careList.days', { days: h.days_since })}</span>${h.overdue
        ? html` ${badge(over ? t('careList.overBy', { days: over }) : t('careList.overdue'), 'late')}` : ''}`}</td>
    <td><button type="button" class="button button-small visit-household" id="visit-${h.household_id}"
      aria-label="${t('careList.visitOf', { address: h.address })}">${t('careList.visit')}</button></td>
  </tr>`;
}

function careMarkup(ui, today) {
  const list = ui.care;
  if (!list) return html`<p class="empty">${ui.careError ? errorText(ui.careError) : t('common.loading')}</p>`;
  if (!list.households.length) return html`<div class="empty" id="care-empty"><p>${t('careList.emptyAll')}</p></div>`;
  const shown = filterCare(list.households, { overdueOnly: ui.overdueOnly, query: ui.query });
  if (!shown.length) return html`<div class="empty" id="care-empty"><p>${t('careList.emptyFiltered')}</p></div>`;
  return html`<div class="table-wrap"><table class="table care-table" id="care-table">
    <caption class="visually-hidden">${t('careList.caption')}</caption>
    <thead><tr><th scope="col">${t('careList.colHousehold')}</th><th scope="col">${t('careList.colPeople')}</th>
      <th scope="col">${t('careList.colLastVisit')}</th><th scope="col">${t('careList.colDays')}</th>
      <th scope="col"><span class="visually-hidden">${t('member.actions')}</span></th></tr></thead>
    <tbody>${shown.map((h) => careRow(h, list.threshold_days, today))}</tbody>
  </table></div>`;
}

function summaryMarkup(ui) {
  const list = ui.care;
  if (!list) return html``;
  return html`<p class="care-summary" id="care-summary">${t('careList.summary', { count: list.households.length, overdue: list.overdue, days: list.threshold_days })}</p>`;
}

// ---------- Mount ----------

function skeleton(admin) {
  return html`<div class="page-head">
      <h1 class="page-title" tabindex="-1">${t('careList.title')}</h1>
      <div class="page-actions">
        <button type="button" class="button" id="print-care-list">${t('careList.print')}</button>
        <button type="button" class="button button-primary" id="add-service">${t('service.add')}</button>
      </div>
    </div>
    <section class="card" aria-labelledby="open-services-title">
      <div class="section-head"><h2 class="section-title" id="open-services-title">${t('service.openHeading')}</h2></div>
      <div id="open-services"></div>
    </section>
    <section class="card" aria-labelledby="care-list-title">
      <div class="section-head"><h2 class="section-title" id="care-list-title">${t('careList.heading')}</h2></div>
      <form class="filters care-filters" id="care-filters" novalidate>
        <div class="field care-threshold">
          <label class="field-label" for="care-threshold">${t('careList.threshold')}</label>
          <span class="repeat-words"><input class="input input-short" id="care-threshold" inputmode="numeric" autocomplete="off"
            aria-describedby="care-threshold-hint care-threshold-error"><span>${t('careList.thresholdAfter')}</span>
            <button type="submit" class="button" id="care-threshold-apply">${t('careList.apply')}</button>
            ${admin ? html`<button type="button" class="button" id="care-threshold-save">${t('careList.saveDefault')}</button>` : ''}</span>
          <p class="field-hint" id="care-threshold-hint">${t(admin ? 'careList.thresholdHint' : 'careList.thresholdHintStaff')}</p>
          <p class="field-error" data-field="care_visit_days" id="care-threshold-error" hidden></p>
        </div>
        <div class="filter">
          <label class="field-label" for="care-filter">${t('careList.filter')}</label>
          <input class="input" id="care-filter" type="search" autocomplete="off" placeholder="${t('careList.filterPlaceholder')}">
        </div>
        <div class="filter filter-checks">
          <label class="check" for="care-overdue-only"><input type="checkbox" id="care-overdue-only"> <span>${t('careList.overdueOnly')}</span></label>
        </div>
      </form>
      <div id="care-summary-slot" aria-live="polite"></div>
      <div id="care-list"></div>
    </section>
    <details class="card care-done" id="done-services">
      <summary class="section-title">${t('service.doneTitle')}</summary>
      <div id="done-services-list"></div>
    </details>`;
}

/** 设定间隔 (this page) and 保存为默认 (admin), the text filter and 只看超期. */
function bindFilters(root, view) {
  const $ = (s) => root.querySelector(s);
  const form = $('#care-filters');
  const readThreshold = () => {
    clearErrors(form);
    const days = parseThreshold($('#care-threshold').value);
    if (Number.isNaN(days)) {
      showErrors(form, { kind: 'invalid', message: t('form.checkFields'), fields: [{ field: 'care_visit_days', message: t('careList.thresholdInvalid') }] });
      return null;
    }
    return days;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const days = readThreshold();
    if (days !== null) applyCareThreshold(days);
  });
  $('#care-threshold-save')?.addEventListener('click', async () => {
    const days = readThreshold();
    if (days === null) return;
    try {
      await saveCareThreshold(days);
      toast(t('careList.thresholdSaved', { days }));
    } catch (error) {
      showErrors(form, error);
    }
  });
  $('#care-filter').addEventListener('input', (event) => {
    view.filters.query = event.target.value;
    view.paintCareList();
  });
  $('#care-overdue-only').addEventListener('change', (event) => {
    view.filters.overdueOnly = event.target.checked;
    view.paintCareList();
  });
  $('#done-services').addEventListener('toggle', async () => {
    if (!$('#done-services').open) return;
    if (view.care().done === null) {
      view.paintDone();
      await loadDoneServices();
    }
    view.paintDone();
  });
}

/** The buttons: 登记服务, a household's 走访, a service's 完成 / 编辑 / 取消, and 打印走访清单. */
function serviceHandlers(root) {
  const care = () => getState().care ?? emptyCare();
  const withDone = () => root.querySelector('#done-services').open;
  const afterSave = async (saved) => {
    if (saved !== null && saved !== undefined) await reloadCare({ withDone: withDone() });
  };
  // A service finished or cancelled: the 最近完成 list changed too.
  const afterClose = () => reloadCare({ withDone: withDone(), dropDone: true });
  const findOpen = (button) => care().open?.find((s) => s.id === Number(button.closest('tr[data-service-id]').dataset.serviceId));
  const careHousehold = (id) => care().list?.households.find((h) => h.household_id === id);
  return {
    '#add-service': async () => afterSave(await openServiceForm({})),
    '.visit-household': async (button) => {
      const h = careHousehold(Number(button.closest('tr[data-household-id]').dataset.householdId));
      if (!h) return;
      afterSave(await openServiceForm({ household: { id: h.household_id, address: h.address, names: (h.people ?? []).map((p) => p.name) }, kind: '走访慰问' }));
    },
    '.edit-service': async (button) => {
      const s = findOpen(button);
      if (s) afterSave(await openServiceForm({ service: s }));
    },
    '.complete-service': async (button) => {
      const s = findOpen(button);
      if (!s) return;
      const done = await openServiceDone(s);
      if (!done) return;
      const count = done.hour_entries?.length ?? 0;
      toast(count ? t('service.completedWithHours', { address: s.address, count }) : t('service.completed', { address: s.address }));
      await afterClose();
    },
    '.cancel-service': async (button) => {
      const s = findOpen(button);
      if (!s) return;
      const ok = await confirmAction({
        title: t('service.cancelTitle'),
        message: t('service.cancelConfirm', { kind: tv('serviceKind', s.kind), address: s.address }),
        confirmLabel: t('service.cancel'),
        cancelLabel: t('service.keep'),
        onConfirm: () => cancelService(s.id),
      });
      if (!ok) return;
      toast(t('service.cancelledToast'));
      await afterClose();
    },
    '#print-care-list': async (button) => {
      button.disabled = true;
      let printed = null;
      try {
        const threshold = care().threshold;
        printed = await printToChosenFile(t('careList.fileName', { date: localToday() }), (out) => printCareList(out, threshold));
      } catch (error) {
        reportError(error);
      } finally {
        button.disabled = false;
      }
      if (printed) await deliverPrinted(printed, { missingId: 'care-print-missing' });
    },
  };
}

export function mount(root, state) {
  setHtml(root, skeleton(isAdmin(state.session)));
  const $ = (s) => root.querySelector(s);
  // The loaded lists are `state.care`; the text filter and 只看超期 are this page's own.
  const filters = { overdueOnly: false, query: '' };
  const care = () => getState().care ?? emptyCare();
  const shown = () => {
    const c = care();
    return { ...filters, care: c.list, careError: c.listError, open: c.open, done: c.done };
  };
  const today = () => care().list?.today ?? todayDate();
  const view = {
    filters,
    care,
    paintCareList: () => setHtmlKeepFocus($('#care-list'), careMarkup(shown(), today())),
    paintDone: () => setHtml($('#done-services-list'), doneMarkup(shown(), today())),
  };
  const paint = () => {
    setHtmlKeepFocus($('#open-services'), openMarkup(shown(), today()));
    setHtml($('#care-summary-slot'), summaryMarkup(shown()));
    view.paintCareList();
    if ($('#done-services').open) view.paintDone();
  };

  bindFilters(root, view);
  const handlers = serviceHandlers(root);
  root.addEventListener('click', (event) => {
    for (const [selector, handler] of Object.entries(handlers)) {
      const button = event.target.closest(selector);
      if (button && root.contains(button) && !button.disabled) {
        handler(button);
        return;
      }
    }
  });

  resetCare();
  paint();
  reloadCare();

  return {
    update(next, prev) {
      if (next.care === prev.care) return;
      const list = next.care?.list;
      if (list && list !== prev.care?.list && document.activeElement !== $('#care-threshold')) $('#care-threshold').value = String(list.threshold_days);
      paint();
    },
  };
}
