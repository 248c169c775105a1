-- Each register gets a stable random identity. Its backups carry it (they are copies of the
-- whole file) and a restore keeps the backup's, so comparing it tells whether an existing file is
-- a backup of this register (which a new backup may replace) or anything else (which it never
-- does, crate::backup).
INSERT OR IGNORE INTO settings(key, value) VALUES ('register_id', lower(hex(randomblob(16))));
