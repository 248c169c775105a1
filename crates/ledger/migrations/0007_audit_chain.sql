-- 操作日志 made tamper-evident: each record carries `hash`, SHA-256 over the previous record's
-- hash and its own content (crate::audit::chain_hash), set by the core on every insert. A record
-- edited, deleted or inserted behind the core's back (e.g. with the sqlite3 tool after dropping
-- the triggers) breaks the chain, and `check` names the first record where it breaks.
-- `carried_from` marks a record carried over from the trail a restore replaced (which record of
-- which restore), so restoring an old backup cannot erase the history written since.
--
-- ADD COLUMN rewrites no row, so the append-only triggers stay as they are. The records an
-- older register already holds get their hashes right after this file, in the same transaction,
-- from Rust (db.rs runs audit::chain_existing_records): SQLite has no SHA-256 of its own.
ALTER TABLE audit_log ADD COLUMN carried_from TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT CHECK (hash IS NULL OR length(hash) = 64);
