// The activity page's details: the head (title, badges, 编辑 / 取消活动), the facts and the print buttons' row;
// editing (one session or this and the later ones of a series) and cancelling the activity.
import { html, setHtmlKeepFocus } from '../../html.js';
import { t, tv } from '../../i18n.js';
import { todayDate } from '../../actions/basics.js';
import { cancelActivity } from '../../actions/activities.js';
import { ACTIVITIES } from '../../router.js';
import { dateWithWeekday, orDash, signupText } from '../../format.js';
import { timeRange } from '../../activity-model.js';
import { badge, badgeList, cancelledBadge, lineBadge, seriesBadge, waitlistBadge } from '../../components/badges.js';
import { chooseAction, confirmAction } from '../../components/dialog.js';
import { errorText } from '../../components/errors.js';
import { toast } from '../../components/toast.js';
import { openActivityForm } from '../activity-form.js';

/** The fields of the detail the head shows: it is painted again only when one of them changed. */
const HEAD_FIELDS = ['title', 'series_id', 'series_name', 'line', 'date', 'start_time', 'end_time', 'place', 'organiser',
  'capacity', 'audience', 'description', 'learning_mode', 'cancelled_on', 'registered', 'waitlisted'];

function factsMarkup(d) {
  const item = (label, value, wide = false) => html`<div class="${wide ? 'fact fact-wide' : 'fact'}"><dt>${label}</dt><dd>${value}</dd></div>`;
  const capacity = d.capacity === null || d.capacity === undefined ? t('activity.unlimited') : t('activity.capacityN', { count: d.capacity });
  return html`<dl class="activity-facts">
    ${item(t('activity.date'), dateWithWeekday(d.date, todayDate()))}
    ${item(t('activity.time'), orDash(timeRange(d.start_time, d.end_time)))}
    ${item(t('activity.place'), orDash(d.place))}
    ${item(t('activity.organiser'), orDash(d.organiser))}
    ${item(t('activity.audience'), orDash(d.audience))}
    ${item(t('activity.capacity'), capacity)}
    ${item(t('activity.signups'), html`${signupText(d)}${d.waitlisted > 0 ? html` ${waitlistBadge(d.waitlisted)}` : ''}`)}
    ${d.learning_mode ? item(t('activity.mode'), tv('mode', d.learning_mode)) : ''}
    ${item(t('activity.description'), html`<span class="pre">${orDash(d.description)}</span>`, true)}
  </dl>`;
}

function headMarkup(d) {
  const cancelled = !!d.cancelled_on;
  const past = d.date < todayDate();
  return html`<div class="page-head">
      <div>
        <p class="crumb"><a href="${ACTIVITIES}">${t('nav.activities')}</a></p>
        <h1 class="page-title" tabindex="-1">${d.title}</h1>
        ${badgeList([cancelled ? cancelledBadge() : null, !cancelled && past ? badge(t('activity.ended'), 'gone') : null,
          d.series_name ? seriesBadge(d.series_name) : null, lineBadge(d.line),
          d.learning_mode ? badge(tv('mode', d.learning_mode), 'other') : null].filter(Boolean))}
      </div>
      ${cancelled ? '' : html`<div class="page-actions">
        <button type="button" class="button" id="edit-activity">${t('activity.edit')}</button>
        <button type="button" class="button button-danger" id="cancel-activity">${t('activity.cancel')}</button>
      </div>`}
    </div>
    ${cancelled ? html`<p class="notice notice-gone notice-big" id="activity-cancelled" role="note">${t('activity.cancelledBanner', { date: d.cancelled_on })}</p>` : ''}
    <section class="card" aria-label="${t('activity.info')}">
      ${factsMarkup(d)}
      <div class="print-actions">
        <span class="print-label">${t('activity.print')}</span>
        ${cancelled ? '' : html`<button type="button" class="button" id="print-sign-up">${t('activity.printSignUp')}</button>
        <button type="button" class="button" id="print-sign-in">${t('activity.printSignIn')}</button>`}
        ${d.series_id !== null && d.series_id !== undefined ? html`<button type="button" class="button" id="print-attendance">${t('activity.printAttendance')}</button>` : ''}
      </div>
    </section>`;
}

/** The head slot: `paint(activity)` shows the details, the error or 加载中; the head is repainted only when it changed. */
export function createDetails(page, head) {
  let shown = null;

  const paint = (activity) => {
    const d = activity?.detail;
    if (!d) {
      if (activity?.error) {
        setHtmlKeepFocus(head, html`<div class="empty card"><p>${errorText(activity.error)}</p><p><a href="${ACTIVITIES}">${t('activity.back')}</a></p></div>`);
      } else {
        setHtmlKeepFocus(head, html`<p class="empty">${t('common.loading')}</p>`);
      }
      return;
    }
    if (d === shown) return;
    if (!shown || HEAD_FIELDS.some((k) => shown[k] !== d[k])) setHtmlKeepFocus(head, headMarkup(d));
    shown = d;
  };

  const editActivity = async () => {
    const d = page.detail();
    let mode = 'single';
    if (d.recurrence_id !== null && d.recurrence_id !== undefined) {
      mode = await chooseAction({
        title: t('activity.editScopeTitle'),
        message: t('activity.editScopeMessage'),
        choices: [
          { id: 'edit-scope-one', label: t('activity.editOne'), note: t('activity.editOneNote', { date: dateWithWeekday(d.date, todayDate()) }), value: 'single' },
          { id: 'edit-scope-future', label: t('activity.editFuture'), note: t('activity.editFutureNote'), value: 'future' },
        ],
      });
      if (!mode) return;
    }
    if (await openActivityForm({ detail: d, mode }) !== null) page.reload();
  };

  const cancelThisActivity = async () => {
    const d = page.detail();
    const done = await confirmAction({
      title: t('activity.cancelTitle'),
      message: t('activity.cancelConfirm', { title: d.title, date: dateWithWeekday(d.date, todayDate()), count: d.registered ?? 0 }),
      confirmLabel: t('activity.cancel'),
      cancelLabel: t('activity.keep'),
      onConfirm: () => cancelActivity(page.id),
    });
    if (done) {
      toast(t('activity.cancelledToast'));
      page.reload();
    }
  };

  return {
    paint,
    handlers: {
      '#edit-activity': editActivity,
      '#cancel-activity': cancelThisActivity,
    },
  };
}
