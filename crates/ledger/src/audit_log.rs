//! 操作日志, the page: the audit trail browsed newest first, filtered and paged, with the
//! changed fields worked out and ID numbers and phones masked (the records themselves are
//! written by crate::access::audit in every change's transaction).

use crate::access::audit::*;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::register::model::Page;
use crate::values::text::non_blank;
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use serde_json::Value as Json;

impl Ledger {
    /// The audit trail, newest first, filtered and paged; ID numbers and phones masked unless
    /// `filter.unmasked`.
    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Page<AuditRow>> {
        self.require_admin("查看操作日志")?;
        let mut conditions = vec!["1 = 1".to_string()];
        let mut values: Vec<Value> = Vec::new();
        let mut bind = |condition: &str, value: Value| {
            values.push(value);
            conditions.push(condition.replace('?', &format!("?{}", values.len())));
        };
        let from = filter_day(filter.from.as_deref(), "from", "开始日期")?;
        let to = filter_day(filter.to.as_deref(), "to", "结束日期")?;
        if let (Some(from), Some(to)) = (&from, &to) {
            if from > to {
                return Err(Error::invalid("to", format!("结束日期 {to} 早于开始日期 {from}")));
            }
        }
        if let Some(from) = from {
            bind("at >= ?", from.into());
        }
        if let Some(to) = to {
            bind("substr(at, 1, 10) <= ?", to.into());
        }
        if let Some(operator) = non_blank(filter.operator.as_deref()) {
            bind("operator = ?", operator.into());
        }
        if let Some(action) = non_blank(filter.action.as_deref()) {
            if !ACTIONS.contains(&action.as_str()) {
                return Err(Error::invalid("action", format!("操作“{action}”应为 {}", ACTIONS.join("、"))));
            }
            bind("action = ?", action.into());
        }
        if let Some(entity) = non_blank(filter.entity.as_deref()) {
            if !ENTITIES.contains(&entity.as_str()) {
                return Err(Error::invalid("entity", format!("对象“{entity}”应为 {}", ENTITIES.join("、"))));
            }
            bind("entity = ?", entity.into());
        }
        if let Some(id) = filter.entity_id {
            bind("entity_id = ?", id.into());
        }
        if let Some(query) = non_blank(filter.query.as_deref()) {
            let escaped = query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            bind("summary LIKE ? ESCAPE '\\'", format!("%{escaped}%").into());
        }
        let where_sql = conditions.join(" AND ");
        let total: u64 = self.conn.query_row(
            &format!("SELECT count(*) FROM audit_log WHERE {where_sql}"),
            params_from_iter(values.iter()),
            |r| r.get(0),
        )?;
        let limit = filter.limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
        let offset = filter.offset.unwrap_or(0);
        let sql = format!(
            "SELECT id, at, operator, action, entity, entity_id, summary, before, after, carried_from FROM audit_log
             WHERE {where_sql} ORDER BY id DESC LIMIT {limit} OFFSET {offset}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let raw = stmt.query_map(params_from_iter(values.iter()), |r| {
            Ok((
                (r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                (r.get::<_, String>(4)?, r.get::<_, Option<i64>>(5)?, r.get::<_, String>(6)?),
                (r.get::<_, Option<String>>(7)?, r.get::<_, Option<String>>(8)?, r.get::<_, Option<String>>(9)?),
            ))
        })?;
        let mut rows = Vec::new();
        for item in raw {
            let ((id, at, operator, action), (entity, entity_id, summary), (before, after, carried_from)) = item?;
            let parse = |text: Option<String>| {
                text.and_then(|t| serde_json::from_str::<Json>(&t).ok()).map(|j| {
                    if filter.unmasked {
                        j
                    } else {
                        mask_json(j)
                    }
                })
            };
            let (before, after) = (parse(before), parse(after));
            let changes = changed_fields(before.as_ref(), after.as_ref());
            rows.push(AuditRow {
                id,
                at,
                operator,
                action,
                entity,
                entity_id,
                summary,
                changes,
                before,
                after,
                carried_from,
            });
        }
        Ok(Page { total, rows })
    }

    /// Where the trail's chain first breaks (see `verify_chain`), for 设置 → 操作日志; None
    /// while every record is as it was written.
    pub fn audit_chain(&self) -> Result<Option<ChainBreak>> {
        self.require_admin("查看操作日志")?;
        verify_chain(&self.conn)
    }

    /// Every operator named in the trail, for the page's filter.
    pub fn audit_operators(&self) -> Result<Vec<String>> {
        self.require_admin("查看操作日志")?;
        let mut stmt = self.conn.prepare("SELECT DISTINCT operator FROM audit_log ORDER BY operator")?;
        let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(names)
    }
}
