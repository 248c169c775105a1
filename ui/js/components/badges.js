// Small colour-coded badges: 高龄, care needs, 党员, 志愿者, 已迁出/已去世; activities: series, line, 已取消, 候补.
import { html } from '../html.js';
import { t, tv } from '../i18n.js';
import { careText } from '../format.js';
import { lineShort, lineTone } from '../activity-model.js';

/** Care kind → colour family; matched on the Chinese kind (and English slugs, should the core use them). */
const TONES = [
  [/残疾|disab/i, 'disability'],
  [/低保|特困|subsist|poverty|dibao|tekun/i, 'welfare'],
  [/独居|孤寡|空巢|alone|solitary|empty/i, 'alone'],
];

export function careTone(kind) {
  const found = TONES.find(([pattern]) => pattern.test(String(kind ?? '')));
  return found ? found[1] : 'other';
}

export function badge(text, tone, title = '') {
  return html`<span class="badge badge-${tone}" ${title ? html`title="${title}"` : ''}>${text}</span>`;
}

export const agedBadge = () => badge(t('badge.aged'), 'aged');
export const careBadge = (need) => badge(careText(need), careTone(need.kind));
export const partyBadge = (count = 1) => badge(count > 1 ? t('badge.partyCount', { count }) : t('badge.party'), 'party');
export const volunteerBadge = () => badge(t('badge.volunteer'), 'volunteer');
export const movedOutBadge = (date) => badge(date ? t('badge.movedOutOn', { date }) : t('badge.movedOut'), 'gone');
export const deceasedBadge = (date) => badge(date ? t('badge.deceasedOn', { date }) : t('badge.deceased'), 'gone');

/** A line (条线) in its colour: 红引擎 red, 银力量 silver, 青动力 green, 其他 neutral; `short` shows only 红引擎. */
export function lineBadge(line, { short = false } = {}) {
  const label = tv('line', line);
  return badge(short ? lineShort(label) : label, `line-${lineTone(line)}`, short ? label : '');
}
export const seriesBadge = (name) => badge(name, 'series');
export const cancelledBadge = () => badge(t('badge.cancelled'), 'gone');
export const waitlistBadge = (count) => badge(t('badge.waitlist', { count }), 'warn');

/** A badge list, or nothing. */
export const badgeList = (items) => (items.length ? html`<span class="badges">${items}</span>` : '');
