-- 操作日志: every change a user makes, written in the same transaction as the change.
-- Append-only: the triggers below refuse UPDATE and DELETE, so nothing (app, CLI or a stray
-- script on this connection) can rewrite the history.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    operator  TEXT NOT NULL CHECK (length(trim(operator)) > 0),
    action    TEXT NOT NULL CHECK (action IN ('新增', '修改', '迁出', '去世', '删除', '导入', '恢复', '生成',
                                              '报名', '取消', '签到', '登记', '确认', '驳回', '更正', '完成',
                                              '退出', '查看完整信息')),
    entity    TEXT NOT NULL CHECK (entity IN ('居民', '住户', '网格', '楼栋', '单元', '活动系列', '活动', '报名',
                                              '志愿者', '组织', '志愿时长', '服务', '项目', '节点', '设置',
                                              '备份', '台账')),
    entity_id INTEGER,
    summary   TEXT NOT NULL,
    before    TEXT CHECK (before IS NULL OR json_valid(before)),
    after     TEXT CHECK (after IS NULL OR json_valid(after))
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at, id);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
CREATE INDEX audit_log_operator ON audit_log(operator, id);

CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '操作日志只能追加，不能修改');
END;

CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '操作日志只能追加，不能删除');
END;
