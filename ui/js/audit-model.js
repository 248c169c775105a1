// 操作日志 view model: the filter sent to the core, paging, and the "修改内容" lines of one record
// (field: before → after). Pure functions, unit-tested with node --test (tests/ui/audit.test.mjs).

/** What the core accepts as `action` and `entity` (the CHECK lists of migration 0005). */
export const AUDIT_ACTIONS = ['新增', '修改', '迁出', '去世', '删除', '导入', '恢复', '生成', '报名', '取消', '签到', '登记',
  '确认', '驳回', '更正', '完成', '退出', '查看完整信息', '登录', '登录失败'];
export const AUDIT_ENTITIES = ['居民', '住户', '网格', '楼栋', '单元', '活动系列', '活动', '报名', '志愿者', '组织', '志愿时长',
  '服务', '项目', '节点', '设置', '备份', '台账', '操作员'];

export const AUDIT_PAGE_SIZE = 50;

const blankToNull = (value) => {
  const text = String(value ?? '').trim();
  return text === '' ? null : text;
};

/** The filter for `api.auditLog` from the form's values; blank fields are left out (null). */
export function auditFilter(values = {}, offset = 0, limit = AUDIT_PAGE_SIZE) {
  return {
    from: blankToNull(values.from),
    to: blankToNull(values.to),
    operator: blankToNull(values.operator),
    action: blankToNull(values.action),
    entity: blankToNull(values.entity),
    query: blankToNull(values.query),
    limit,
    offset: Math.max(0, Number(offset) || 0),
  };
}

/** "1–50 of 120" and whether there is a previous / next page. */
export function pageInfo(total, offset, limit = AUDIT_PAGE_SIZE) {
  const count = Math.max(0, Number(total) || 0);
  const start = Math.min(Math.max(0, Number(offset) || 0), count);
  const end = Math.min(start + limit, count);
  return { first: count ? start + 1 : 0, last: end, total: count, hasPrev: start > 0, hasNext: end < count,
    prevOffset: Math.max(0, start - limit), nextOffset: end };
}

/**
 * One stored value as text: null/'' → `empty`, true/false → `yes`/`no`, lists joined with 、,
 * objects as compact JSON, everything else as written.
 */
export function valueText(value, { empty = '—', yes = '是', no = '否' } = {}) {
  if (value === null || value === undefined || value === '') return empty;
  if (value === true) return yes;
  if (value === false) return no;
  if (Array.isArray(value)) return value.length ? value.map((v) => valueText(v, { empty, yes, no })).join('、') : empty;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The 修改内容 lines of one record: `{ field, label, before, after, added }` with the values as text. */
export function changeLines(row, words = {}) {
  const isNew = !row?.before;
  return (row?.changes ?? []).map((c) => ({
    field: c.field,
    label: c.label || c.field,
    before: valueText(c.before, words),
    after: valueText(c.after, words),
    added: isNew,
  }));
}
