-- 0001: the household and resident register (社区 → 网格 → 楼栋 → 单元 → 户 → 居民).
-- Shipped migrations are never edited; add a new numbered file instead.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- A head (网格长/楼栋长/单元长) is either a resident of the register or a named staff member.
CREATE TABLE grids (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    head_resident_id INTEGER REFERENCES residents(id),
    head_name        TEXT,
    head_phone       TEXT
) STRICT;

CREATE TABLE buildings (
    id               INTEGER PRIMARY KEY,
    grid_id          INTEGER NOT NULL REFERENCES grids(id),
    name             TEXT NOT NULL UNIQUE,
    head_resident_id INTEGER REFERENCES residents(id),
    head_name        TEXT,
    head_phone       TEXT
) STRICT;
CREATE INDEX buildings_grid ON buildings(grid_id);

CREATE TABLE units (
    id               INTEGER PRIMARY KEY,
    building_id      INTEGER NOT NULL REFERENCES buildings(id),
    name             TEXT NOT NULL,
    head_resident_id INTEGER REFERENCES residents(id),
    head_name        TEXT,
    head_phone       TEXT,
    UNIQUE (building_id, name)
) STRICT;

CREATE TABLE households (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    room         TEXT NOT NULL,
    phone        TEXT,
    notes        TEXT NOT NULL DEFAULT '',
    moved_out_on TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
-- One current household per address; moved-out ones stay in history.
CREATE UNIQUE INDEX households_current_address ON households(unit_id, room) WHERE moved_out_on IS NULL;

CREATE TABLE residents (
    id               INTEGER PRIMARY KEY,
    household_id     INTEGER NOT NULL REFERENCES households(id),
    name             TEXT NOT NULL CHECK (length(trim(name)) > 0),
    sex              TEXT CHECK (sex IN ('男', '女')),
    id_number        TEXT UNIQUE CHECK (id_number IS NULL OR length(id_number) = 18),
    birth_date       TEXT,
    phone            TEXT,
    relation         TEXT NOT NULL,
    political_status TEXT NOT NULL,
    is_volunteer     INTEGER NOT NULL DEFAULT 0 CHECK (is_volunteer IN (0, 1)),
    notes            TEXT NOT NULL DEFAULT '',
    moved_out_on     TEXT,
    died_on          TEXT,
    name_pinyin      TEXT NOT NULL,
    name_initials    TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_birth_date ON residents(birth_date);
-- At most one current 户主 per household.
CREATE UNIQUE INDEX residents_one_head ON residents(household_id)
    WHERE relation = '户主' AND moved_out_on IS NULL AND died_on IS NULL;

-- Care needs. `kind` is one of the known kinds or '其他'; `label` keeps the words the office
-- used when they were not recognised, so nothing typed is ever lost.
CREATE TABLE care_needs (
    resident_id         INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    kind                TEXT NOT NULL CHECK (kind IN ('残疾', '低保', '特困', '独居', '孤寡', '空巢', '其他')),
    label               TEXT NOT NULL DEFAULT '',
    disability_category TEXT,
    disability_grade    INTEGER CHECK (disability_grade BETWEEN 1 AND 4),
    PRIMARY KEY (resident_id, kind, label)
) STRICT;
CREATE INDEX care_needs_kind ON care_needs(kind, resident_id);
