// 活动 of one resident (from the household page): date, title, sign-up status and attendance, newest first.
import { html } from '../html.js';
import { t } from '../i18n.js';
import { residentActivities } from '../actions/activities.js';
import { todayDate } from '../actions/basics.js';
import { activityHref } from '../router.js';
import { dateWithWeekday } from '../format.js';
import { badge } from '../components/badges.js';
import { showNotice } from '../components/dialog.js';
import { reportError } from '../components/errors.js';

const STATUS_TONES = { registered: 'volunteer', waitlisted: 'warn', cancelled: 'gone' };

function attendedMarkup(attended) {
  if (attended === true) return html`<span class="attend-yes">${t('residentActivities.present')}</span>`;
  if (attended === false) return html`<span class="attend-no">${t('residentActivities.absent')}</span>`;
  return html`<span class="muted" aria-label="${t('residentActivities.unknown')}">—</span>`;
}

function tableMarkup(rows) {
  const today = todayDate();
  return html`<div class="table-wrap scroll-box"><table class="table" id="resident-activities-table">
    <thead><tr>
      <th scope="col">${t('residentActivities.colDate')}</th><th scope="col">${t('residentActivities.colTitle')}</th>
      <th scope="col">${t('residentActivities.colStatus')}</th><th scope="col">${t('residentActivities.colPresent')}</th>
    </tr></thead>
    <tbody>${rows.map((r) => html`<tr class="${r.status === 'cancelled' ? 'is-gone' : ''}">
      <td class="nowrap">${dateWithWeekday(r.date, today)}</td>
      <td><a href="${activityHref(r.activity_id)}">${r.title}</a></td>
      <td class="nowrap">${badge(t(`signupStatus.${r.status}`), STATUS_TONES[r.status] ?? 'other')}</td>
      <td class="nowrap">${attendedMarkup(r.attended)}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** Fetches and shows the activities of resident `id` (`name` for the title). */
export async function openResidentActivities({ id, name }) {
  let rows;
  try {
    rows = (await residentActivities(id)) ?? [];
  } catch (error) {
    reportError(error);
    return;
  }
  await showNotice({
    title: t('residentActivities.title', { name }),
    body: rows.length
      ? html`<p class="section-note">${t('residentActivities.count', { count: rows.length })}</p>${tableMarkup(rows)}`
      : html`<div class="empty" id="resident-activities-empty"><p>${t('residentActivities.empty', { name })}</p></div>`,
    okLabel: t('action.close'),
    okId: 'resident-activities-close',
    wide: true,
  });
}
