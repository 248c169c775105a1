// 记录志愿时长 on an activity's page: one 待审核 entry for every attending volunteer (record_activity_hours), then a
// message naming how many were recorded and who was skipped and why, with a link to review them in the ledger.
import { html } from '../html.js';
import { t } from '../i18n.js';
import { recordActivityHours } from '../actions/hours.js';
import { volunteersHref } from '../router.js';
import { showNotice } from '../components/dialog.js';

/** Records the hours of activity `id` and tells the user the outcome. Errors are left to the caller. */
export async function recordVolunteerHours(id) {
  const result = await recordActivityHours(id);
  const created = result?.created ?? [];
  const skipped = result?.skipped ?? [];
  const headline = created.length
    ? t('activityHours.created', { count: created.length })
    : skipped.length ? t('activityHours.noneCreated') : t('activityHours.noVolunteers');
  await showNotice({
    title: t('activityHours.title'),
    okId: 'activity-hours-ok',
    okLabel: t('action.gotIt'),
    wide: skipped.length > 0,
    body: html`<div id="activity-hours-result">
      <p class="dialog-message activity-hours-headline">${headline}</p>
      ${skipped.length ? html`<h3 class="sub-title">${t('activityHours.skipped', { count: skipped.length })}</h3>
        <ul class="skipped-list" id="activity-hours-skipped">${skipped.map((s) => html`<li>${t('activityHours.skippedItem', { name: s.name, reason: s.reason })}</li>`)}</ul>` : ''}
      ${created.length ? html`<p class="field-hint">${t('activityHours.pendingHint')}</p>
        <p><a class="button" id="activity-hours-review" href="${volunteersHref('hours', { activityId: id })}">${t('activityHours.review')}</a></p>` : ''}
    </div>`,
  });
}
