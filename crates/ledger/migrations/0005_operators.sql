-- Operators (操作员): the staff who log in, each an administrator or staff member. Passwords
-- are kept only as argon2id hashes (PHC strings). Operators are never deleted: the audit trail
-- names them, so one who leaves is switched off (active = 0).
CREATE TABLE operators (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (length(trim(name)) BETWEEN 1 AND 20),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    last_login_at TEXT
) STRICT;

-- The audit trail learns about operators: its CHECKs gain the entity 操作员 and the actions
-- 登录 and 登录失败. SQLite cannot change a CHECK in place, so the table is rebuilt with every
-- record copied as it was. DROP TABLE removes the append-only triggers before it empties the
-- table, so they do not fire; they are created again on the new table below.
CREATE TABLE audit_log_v5 (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    operator  TEXT NOT NULL CHECK (length(trim(operator)) > 0),
    action    TEXT NOT NULL CHECK (action IN ('新增', '修改', '迁出', '去世', '删除', '导入', '恢复', '生成',
                                              '报名', '取消', '签到', '登记', '确认', '驳回', '更正', '完成',
                                              '退出', '查看完整信息', '登录', '登录失败')),
    entity    TEXT NOT NULL CHECK (entity IN ('居民', '住户', '网格', '楼栋', '单元', '活动系列', '活动', '报名',
                                              '志愿者', '组织', '志愿时长', '服务', '项目', '节点', '设置',
                                              '备份', '台账', '操作员')),
    entity_id INTEGER,
    summary   TEXT NOT NULL,
    before    TEXT CHECK (before IS NULL OR json_valid(before)),
    after     TEXT CHECK (after IS NULL OR json_valid(after))
) STRICT;
INSERT INTO audit_log_v5(id, at, operator, action, entity, entity_id, summary, before, after)
    SELECT id, at, operator, action, entity, entity_id, summary, before, after FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_v5 RENAME TO audit_log;
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
