//! The 操作日志: records, their operators, and the chain that shows a record changed behind the app's
//! back.

use super::CmdResult;
use crate::state::AppState;
use tauri::State;
use xinghe_ledger::access::audit::{AuditFilter, AuditRow, ChainBreak};
use xinghe_ledger::register::model::Page;

/// 操作日志: newest first, filtered and paged; ID numbers and phones masked.
#[tauri::command(async)]
pub fn audit_log(state: State<'_, AppState>, filter: AuditFilter) -> CmdResult<Page<AuditRow>> {
    Ok(state.with(|l| l.audit_log(&AuditFilter { unmasked: false, ..filter }))?)
}

/// Where the 操作日志's record chain first breaks (a record edited or removed behind the app's
/// back), or null while it holds.
#[tauri::command(async)]
pub fn audit_chain(state: State<'_, AppState>) -> CmdResult<Option<ChainBreak>> {
    Ok(state.with(|l| l.audit_chain())?)
}

#[tauri::command(async)]
pub fn audit_operators(state: State<'_, AppState>) -> CmdResult<Vec<String>> {
    Ok(state.with(|l| l.audit_operators())?)
}
