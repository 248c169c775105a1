//! 操作日志 (the audit trail): every change a user makes is recorded in the same transaction as
//! the change — who, when, what, and the row before and after as JSON — and browsed newest
//! first with the changed fields worked out and ID numbers and phones masked.
//!
//! The table is append-only: there is no method that edits or deletes it, and the triggers of
//! migration 0004 refuse UPDATE and DELETE on it. Triggers stop the app, not someone with the
//! sqlite3 tool, so each record also carries a SHA-256 hash chained to the record before it
//! (migration 0007, `append`), and `verify_chain` (`check`, 设置 → 操作日志) names the first record
//! that does not match. A restore keeps the trail it replaces (`read_trail`, `carry_over_trail`).

use crate::error::{Error, Result};
use crate::values::dates::parse_date;
use crate::values::idcard::mask_id_number;
use crate::values::phone::mask_phone;
use crate::values::text::non_blank;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

/// What a record can say was done (the CHECK of `audit_log.action`, migration 0005).
pub const ACTIONS: &[&str] = &[
    "新增",
    "修改",
    "迁出",
    "去世",
    "删除",
    "导入",
    "恢复",
    "生成",
    "报名",
    "取消",
    "签到",
    "登记",
    "确认",
    "驳回",
    "更正",
    "完成",
    "退出",
    "查看完整信息",
    "登录",
    "登录失败",
];

/// What a record can be about (the CHECK of `audit_log.entity`, migration 0005).
pub const ENTITIES: &[&str] = &[
    "居民",
    "住户",
    "网格",
    "楼栋",
    "单元",
    "活动系列",
    "活动",
    "报名",
    "志愿者",
    "组织",
    "志愿时长",
    "服务",
    "项目",
    "节点",
    "设置",
    "备份",
    "台账",
    "操作员",
];

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub(crate) const MAX_PAGE_SIZE: u32 = 500;

/// Who is acting: the operator's name, or nobody (`quiet`) while the demo fills a register
/// through the Ledger's own methods, which is recorded once as 生成.
#[derive(Debug, Clone)]
pub(crate) struct Actor {
    pub operator: String,
    pub quiet: bool,
}

/// One record to append.
#[derive(Debug, Clone)]
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl<'a> Change<'a> {
    pub fn new(action: &'a str, entity: &'a str, entity_id: Option<i64>, summary: impl Into<String>) -> Self {
        Change { action, entity, entity_id, summary: summary.into(), before: None, after: None }
    }

    pub fn before(mut self, json: Option<String>) -> Self {
        self.before = json;
        self
    }

    pub fn after(mut self, json: Option<String>) -> Self {
        self.after = json;
        self
    }
}

/// Appends one record; call it on the transaction that makes the change, before its commit.
/// Outside a transaction (a record written on its own, e.g. after a backup) it takes the write
/// lock first, so the previous record it chains to cannot change between reading and writing.
pub(crate) fn record(conn: &Connection, actor: &Actor, change: Change) -> Result<()> {
    if actor.quiet {
        return Ok(());
    }
    let row = TrailRow {
        id: 0,
        at: crate::values::dates::now_text(),
        operator: actor.operator.clone(),
        action: change.action.to_string(),
        entity: change.entity.to_string(),
        entity_id: change.entity_id,
        summary: change.summary,
        before: change.before,
        after: change.after,
        carried_from: None,
        hash: None,
    };
    if !conn.is_autocommit() {
        return append(conn, &row);
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match append(conn, &row).and_then(|()| Ok(conn.execute_batch("COMMIT")?)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// One stored record of the trail, as the chain sees it (every column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailRow {
    pub id: i64,
    pub at: String,
    pub operator: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Set on a record carried over from the trail a restore replaced: which record it was and
    /// which restore (see `carry_over_trail`).
    pub carried_from: Option<String>,
    /// The stored chain hash (None on a row inserted behind the core's back).
    pub hash: Option<String>,
}

/// The chain hash of `row` (its `hash` field ignored) after the record whose hash is `previous`
/// ("" for the first record): SHA-256, hex, over the previous hash and the row's canonical text
/// — a JSON array of every column in a fixed order, the JSON columns as their stored text. A
/// record edited, deleted or inserted without the core breaks the chain at that point.
pub fn chain_hash(previous: &str, row: &TrailRow) -> String {
    use sha2::{Digest, Sha256};
    let canonical = serde_json::json!([
        row.id,
        row.at,
        row.operator,
        row.action,
        row.entity,
        row.entity_id,
        row.summary,
        row.before,
        row.after,
        row.carried_from,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical.to_string().as_bytes());
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends `row` (its id and hash are assigned here) after the last record, chained to it.
/// The caller holds the write transaction: every insert into audit_log goes through here.
fn append(conn: &Connection, row: &TrailRow) -> Result<()> {
    let last: Option<(i64, Option<String>)> = conn
        .query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (last_id, previous) = last.map_or((0, String::new()), |(id, hash)| (id, hash.unwrap_or_default()));
    let mut row = row.clone();
    row.id = last_id + 1;
    let hash = chain_hash(&previous, &row);
    conn.execute(
        "INSERT INTO audit_log(id, at, operator, action, entity, entity_id, summary, before, after, carried_from, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            row.id,
            row.at,
            row.operator,
            row.action,
            row.entity,
            row.entity_id,
            row.summary,
            row.before,
            row.after,
            row.carried_from,
            hash
        ],
    )?;
    Ok(())
}

pub(crate) const TRAIL_COLUMNS: &str =
    "id, at, operator, action, entity, entity_id, summary, before, after, carried_from, hash";

pub(crate) fn trail_row(r: &rusqlite::Row) -> rusqlite::Result<TrailRow> {
    Ok(TrailRow {
        id: r.get(0)?,
        at: r.get(1)?,
        operator: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        summary: r.get(6)?,
        before: r.get(7)?,
        after: r.get(8)?,
        carried_from: r.get(9)?,
        hash: r.get(10)?,
    })
}

/// The whole trail, oldest first. A restore reads it before the backup's data replaces it, on
/// the connection (and inside the transaction) the restore holds; see `carry_over_trail`.
pub fn read_trail(conn: &Connection) -> Result<Vec<TrailRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {TRAIL_COLUMNS} FROM audit_log ORDER BY id"))?;
    let rows = stmt.query_map([], trail_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// After a restore replaced the trail with the backup's: appends the records of the replaced
/// trail (`replaced`, from `read_trail` before the replacement) that the restored trail does not
/// hold, each with its original time, operator, action, summary and rows, marked in
/// `carried_from` with its old number and `restored_from` (the backup's name), and chained like
/// any record. So restoring an old backup cannot erase what was recorded since it was made.
///
/// The records both trails share (the same number with the same chain hash, which covers every
/// record before it too: the backup was made from this register) are not repeated. Works on the
/// caller's transaction and opens none of its own. Returns how many records were carried over.
pub fn carry_over_trail(conn: &Connection, replaced: &[TrailRow], restored_from: &str) -> Result<usize> {
    let mut shared = 0;
    for row in replaced.iter().rev() {
        let Some(hash) = &row.hash else { continue };
        let restored: Option<Option<String>> =
            conn.query_row("SELECT hash FROM audit_log WHERE id = ?1", [row.id], |r| r.get(0)).optional()?;
        if restored.flatten().as_ref() == Some(hash) {
            shared = row.id;
            break;
        }
    }
    let mut carried = 0;
    for row in replaced.iter().filter(|r| r.id > shared) {
        let mark = match &row.carried_from {
            // Carried over once already: the earlier mark stays, the new one is added.
            Some(earlier) => format!("恢复“{restored_from}”前的第 {} 条（{earlier}）", row.id),
            None => format!("恢复“{restored_from}”前的第 {} 条", row.id),
        };
        append(conn, &TrailRow { carried_from: Some(mark), hash: None, ..row.clone() })?;
        carried += 1;
    }
    Ok(carried)
}

/// Where the chain of the trail first breaks: the record that does not match its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The record's number (its id, as 操作日志 shows it).
    pub id: i64,
    pub at: String,
    pub operator: String,
    /// The sentence `check` and 设置 → 操作日志 show.
    pub message: String,
}

/// Walks the trail oldest first and returns the first record whose stored hash is not the hash
/// of its content chained to the record before it: the record itself was edited (or inserted
/// without the core), or a record before it was deleted. None when the whole chain holds.
///
/// What the chain cannot show: someone who knows this code can recompute every hash after an
/// edit, and records removed from the END leave no gap. It finds edits made with a plain SQLite
/// tool, which is what the append-only triggers leave open.
pub fn verify_chain(conn: &Connection) -> Result<Option<ChainBreak>> {
    let mut stmt = conn.prepare(&format!("SELECT {TRAIL_COLUMNS} FROM audit_log ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut previous = String::new();
    while let Some(r) = rows.next()? {
        let row = trail_row(r)?;
        let hash = chain_hash(&previous, &row);
        if row.hash.as_deref() != Some(hash.as_str()) {
            let message = format!(
                "操作日志第 {} 条（{}，{}）与记录链不符：这一条被改动过，或在它之前有记录被删除、插入；从这一条起的操作日志不可信。请从改动前的备份核对",
                row.id, row.at, row.operator
            );
            return Ok(Some(ChainBreak { id: row.id, at: row.at, operator: row.operator, message }));
        }
        previous = hash;
    }
    Ok(None)
}

/// Migration 0007: the records an older register already holds get their chain hashes, oldest
/// first, as if each had been written by `append`. Run once, in the migration's transaction.
/// The update trigger is lifted for this one statement and put back as it was (migration 0005).
#[linkme::distributed_slice(crate::store::db::MIGRATION_STEPS)]
static CHAIN_EXISTING_RECORDS: crate::store::db::MigrationStep =
    crate::store::db::MigrationStep { version: 7, run: chain_existing_records };

pub(crate) fn chain_existing_records(conn: &Connection) -> Result<()> {
    let rows = read_trail(conn)?;
    if rows.is_empty() {
        return Ok(());
    }
    conn.execute_batch("DROP TRIGGER audit_log_never_updated")?;
    let mut previous = String::new();
    {
        let mut update = conn.prepare("UPDATE audit_log SET hash = ?2 WHERE id = ?1")?;
        for row in &rows {
            let hash = chain_hash(&previous, row);
            update.execute(params![row.id, hash])?;
            previous = hash;
        }
    }
    conn.execute_batch(
        "CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
         BEGIN
             SELECT RAISE(ABORT, '操作日志只能追加，不能修改');
         END;",
    )?;
    Ok(())
}

/// The row `id` of `table` as a JSON object of all its columns (read from PRAGMA table_info, so
/// a column added by a later migration is included without touching this code).
pub(crate) fn row_json(conn: &Connection, table: &str, id: i64) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let columns: Vec<String> = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if columns.is_empty() {
        return Err(Error::Refused(format!("没有名为 {table} 的表")));
    }
    let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', \"{c}\"")).collect();
    let sql = format!("SELECT json_object({}) FROM \"{table}\" WHERE id = ?1", pairs.join(", "));
    Ok(conn.query_row(&sql, [id], |r| r.get(0)).optional()?)
}

/// A resident's row with its care needs (a separate table) as one more field, `care_needs`.
pub(crate) fn resident_json(conn: &Connection, id: i64) -> Result<Option<String>> {
    let Some(row) = row_json(conn, "residents", id)? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT kind || coalesce('：' || nullif(label, ''), '') || coalesce(' ' || disability_category, '')
                || coalesce(' ' || disability_grade || '级', '')
         FROM care_needs WHERE resident_id = ?1 ORDER BY rowid",
    )?;
    let needs: Vec<String> = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(with_field(&row, "care_needs", Json::from(needs.join("、")))))
}

/// Adds (or replaces) one field of a JSON object.
pub(crate) fn with_field(json: &str, key: &str, value: Json) -> String {
    match serde_json::from_str::<Json>(json) {
        Ok(Json::Object(mut map)) => {
            map.insert(key.into(), value);
            Json::Object(map).to_string()
        }
        _ => json.to_string(),
    }
}

/// A JSON object of settings values, e.g. `{"community_name": "浏河社区"}`.
pub(crate) fn settings_json(conn: &Connection, keys: &[&str]) -> Result<Option<String>> {
    let mut map = Map::new();
    for key in keys {
        let value: Option<String> =
            conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
        map.insert((*key).into(), value.map(Json::from).unwrap_or(Json::Null));
    }
    Ok(Some(Json::Object(map).to_string()))
}

/// "新增" when there was no row before, otherwise "修改".
pub(crate) fn save_action(before: &Option<String>) -> &'static str {
    if before.is_some() {
        "修改"
    } else {
        "新增"
    }
}

/// What to browse: all filters optional, dates inclusive (YYYY-MM-DD or office spellings).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub operator: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    /// Text in the summary.
    pub query: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    /// Full ID numbers and phones (otherwise masked like every list).
    pub unmasked: bool,
}

/// One field that differs between before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    /// The field's Chinese name as forms show it (the column name when there is none).
    pub label: String,
    pub before: Json,
    pub after: Json,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub operator: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub summary: String,
    /// For a change with both sides: the fields that differ; for a new row: its filled fields.
    pub changes: Vec<FieldChange>,
    pub before: Option<Json>,
    pub after: Option<Json>,
    /// On a record carried over from the trail a restore replaced: which record of which restore.
    pub carried_from: Option<String>,
}

/// The fields offices recognise, by column name.
pub fn field_label(field: &str) -> &str {
    match field {
        "name" => "姓名/名称",
        "title" => "标题",
        "sex" => "性别",
        "id_number" => "身份证号",
        "birth_date" => "出生日期",
        "phone" | "guest_phone" => "电话",
        "relation" => "与户主关系",
        "political_status" => "政治面貌",
        "is_volunteer" => "志愿者",
        "notes" => "备注",
        "moved_out_on" => "迁出日期",
        "died_on" => "去世日期",
        "care_needs" => "关爱对象",
        "household_id" => "住户",
        "unit_id" => "单元",
        "building_id" => "楼栋",
        "grid_id" => "网格",
        "room" => "房号",
        "head_name" => "负责人",
        "head_phone" => "负责人电话",
        "head_resident_id" => "负责人（居民）",
        "date" => "日期",
        "start_time" => "开始时间",
        "end_time" => "结束时间",
        "place" => "地点",
        "organiser" => "组织方",
        "capacity" => "名额",
        "audience" => "对象",
        "description" => "说明",
        "line" => "条线",
        "cancelled_on" => "取消日期",
        "status" => "状态",
        "attended" => "签到",
        "guest_name" => "外来人员",
        "minutes" => "时长（分钟）",
        "content" => "服务内容",
        "verifier" => "审核人",
        "review_note" => "审核意见",
        "kind" => "类别",
        "contact_person" => "联系人",
        "address" => "地址",
        "joined_on" => "加入日期",
        "left_on" => "退出日期",
        "number" => "编号",
        "requested_on" => "申请日期",
        "done_on" => "完成日期",
        "outcome" => "结果",
        "follow_up_on" => "回访日期",
        "owner" => "负责人",
        "goal" => "目标",
        "starts_on" => "开始日期",
        "ends_on" => "结束日期",
        "due_on" => "计划日期",
        "community_name" => "社区名称",
        "operator_name" => "操作人",
        "care_visit_days" => "走访间隔（天）",
        "volunteer_prefix" => "志愿者编号前缀",
        _ => field,
    }
}

/// Bookkeeping columns that change on every save and say nothing to a reader.
pub(crate) fn is_bookkeeping(field: &str) -> bool {
    matches!(field, "updated_at" | "created_at" | "name_pinyin" | "name_initials")
}

pub(crate) fn is_sensitive(field: &str) -> Option<fn(&str) -> String> {
    if field.contains("id_number") {
        Some(mask_id_number)
    } else if field.contains("phone") {
        Some(mask_phone)
    } else {
        None
    }
}

/// The same JSON with ID numbers and phones masked (any field whose name holds them).
pub fn mask_json(value: Json) -> Json {
    match value {
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match (is_sensitive(&k), &v) {
                        (Some(mask), Json::String(s)) => Json::String(mask(s)),
                        _ => mask_json(v),
                    };
                    (k, v)
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.into_iter().map(mask_json).collect()),
        other => other,
    }
}

/// The fields that differ (both sides), or the filled fields of a new row (after only).
pub fn changed_fields(before: Option<&Json>, after: Option<&Json>) -> Vec<FieldChange> {
    let empty = Map::new();
    let before_map = before.and_then(Json::as_object);
    let Some(after_map) = after.and_then(Json::as_object) else {
        return Vec::new();
    };
    let old = before_map.unwrap_or(&empty);
    after_map
        .iter()
        .filter(|(k, _)| !is_bookkeeping(k) && k.as_str() != "id")
        .filter(|(k, v)| {
            let was = old.get(k.as_str()).unwrap_or(&Json::Null);
            if before_map.is_none() {
                !is_blank(v)
            } else {
                was != *v
            }
        })
        .map(|(k, v)| FieldChange {
            field: k.clone(),
            label: field_label(k).to_string(),
            before: old.get(k.as_str()).cloned().unwrap_or(Json::Null),
            after: v.clone(),
        })
        .collect()
}

pub(crate) fn is_blank(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        _ => false,
    }
}

pub(crate) fn filter_day(text: Option<&str>, field: &'static str, what: &str) -> Result<Option<String>> {
    match non_blank(text) {
        None => Ok(None),
        Some(text) => parse_date(&text)
            .map(|d| Some(d.to_string()))
            .ok_or_else(|| Error::invalid(field, format!("{what}“{text}”不是有效日期"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_changed_field_lists_before_and_after_and_skips_bookkeeping() {
        let before = json!({"id": 1, "name": "孔喆", "phone": "13812345678", "updated_at": "a"});
        let after = json!({"id": 1, "name": "孔喆", "phone": "13900001111", "updated_at": "b"});
        let changes = changed_fields(Some(&before), Some(&after));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "phone");
        assert_eq!(changes[0].label, "电话");
        assert_eq!(changes[0].before, json!("13812345678"));
    }

    #[test]
    fn masking_covers_id_numbers_and_every_phone_field() {
        let masked = mask_json(json!({"id_number": "110101199003077777", "head_phone": "13812345678", "name": "x"}));
        assert_eq!(masked["id_number"], json!(mask_id_number("110101199003077777")));
        assert_eq!(masked["head_phone"], json!("138****5678"));
        assert_eq!(masked["name"], json!("x"));
    }

    #[test]
    fn a_new_row_lists_its_filled_fields() {
        let after = json!({"id": 3, "room": "101", "notes": "", "phone": null});
        let changes = changed_fields(None, Some(&after));
        assert_eq!(changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["room"]);
    }
}
