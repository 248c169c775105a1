-- Residents ticked 志愿者 before the volunteer table existed (0003) get their volunteer records.
-- The work is Rust code (their numbers continue the community's sequence, their line follows
-- their political status and age): volunteers::resident_link::BACKFILL, a migration step that
-- runs right after this file, in the same transaction, once per register, with one audit record.
SELECT 1;
