-- 0002: classes and activities of the party committee's volunteer lines, sign-ups with a
-- waitlist, and attendance. Shipped migrations are never edited; add a new numbered file.

CREATE TABLE series (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0)
) STRICT;
INSERT INTO series(name) VALUES ('红色知识小课堂'), ('银发YUE 文化课堂'), ('花儿YUE 青少年实践'), ('青春FUN 共创空间');

CREATE TABLE activities (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL CHECK (length(trim(title)) > 0),
    series_id     INTEGER REFERENCES series(id),
    line          TEXT NOT NULL CHECK (line IN ('红引擎·在职党员', '银力量·离退休党员', '青动力·两新组织', '其他')),
    date          TEXT NOT NULL,
    start_time    TEXT NOT NULL,
    end_time      TEXT NOT NULL CHECK (end_time > start_time),
    place         TEXT NOT NULL DEFAULT '',
    organiser     TEXT NOT NULL DEFAULT '',
    capacity      INTEGER CHECK (capacity IS NULL OR capacity > 0),
    audience      TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    learning_mode TEXT CHECK (learning_mode IS NULL OR learning_mode IN ('沉浸式', '快乐式', '专题式', '分享式')),
    -- Sessions created together as one recurring class share the first session's id.
    recurrence_id INTEGER,
    cancelled_on  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX activities_date ON activities(date, start_time);
CREATE INDEX activities_series ON activities(series_id, date);
CREATE INDEX activities_recurrence ON activities(recurrence_id, date);

-- One row per person per activity. The waitlist is ordered by id (order of arrival);
-- a cancelled sign-up stays for the history.
CREATE TABLE signups (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id),
    resident_id  INTEGER REFERENCES residents(id),
    guest_name   TEXT,
    guest_phone  TEXT,
    status       TEXT NOT NULL CHECK (status IN ('registered', 'waitlisted', 'cancelled')),
    walk_in      INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1)),
    attended     INTEGER CHECK (attended IN (0, 1)),
    signed_up_at TEXT NOT NULL,
    cancelled_at TEXT,
    CHECK ((resident_id IS NULL) <> (guest_name IS NULL))
) STRICT;
CREATE UNIQUE INDEX signups_resident_once ON signups(activity_id, resident_id)
    WHERE resident_id IS NOT NULL AND status <> 'cancelled';
CREATE UNIQUE INDEX signups_guest_once ON signups(activity_id, guest_name, coalesce(guest_phone, ''))
    WHERE guest_name IS NOT NULL AND status <> 'cancelled';
CREATE INDEX signups_activity ON signups(activity_id, status, id);
CREATE INDEX signups_resident ON signups(resident_id);
