-- 0003: volunteers and partner organisations, the hours ledger (志愿服务记录), services to
-- vulnerable households, and 书记项目 with milestones. Shipped migrations are never edited;
-- add a new numbered file.

-- 两新组织: shops of the 智慧益仓 alliance, companies and social organisations.
CREATE TABLE organisations (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    kind           TEXT NOT NULL CHECK (kind IN ('智慧益仓商户', '企业', '社会组织')),
    contact_person TEXT NOT NULL DEFAULT '',
    phone          TEXT,
    address        TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

-- What an organisation offers (家电维修, 水电维修, 理发, …); free labels, one row each.
CREATE TABLE organisation_services (
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    service         TEXT NOT NULL CHECK (length(trim(service)) > 0),
    PRIMARY KEY (organisation_id, service)
) STRICT;

-- A volunteer is a resident (residents.is_volunteer) or a member of an organisation, or both.
-- The number (community prefix + sequence) is printed instead of the ID number.
CREATE TABLE volunteers (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    resident_id     INTEGER UNIQUE REFERENCES residents(id),
    organisation_id INTEGER REFERENCES organisations(id),
    -- Only for members who are not residents of the community; residents' names come from residents.
    name            TEXT CHECK (name IS NULL OR length(trim(name)) > 0),
    phone           TEXT,
    line            TEXT NOT NULL CHECK (line IN ('红引擎·在职党员', '银力量·离退休党员', '青动力·两新组织')),
    skills          TEXT NOT NULL DEFAULT '',
    joined_on       TEXT NOT NULL,
    left_on         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (resident_id IS NOT NULL OR (name IS NOT NULL AND organisation_id IS NOT NULL))
) STRICT;
CREATE INDEX volunteers_organisation ON volunteers(organisation_id);

-- A service request or visit to a household.
CREATE TABLE services (
    id              INTEGER PRIMARY KEY,
    household_id    INTEGER NOT NULL REFERENCES households(id),
    kind            TEXT NOT NULL CHECK (kind IN ('家电维修', '水电维修', '走访慰问', '代办服务', '其他')),
    description     TEXT NOT NULL DEFAULT '',
    requested_on    TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations(id),
    done_on         TEXT,
    outcome         TEXT NOT NULL DEFAULT '',
    follow_up_on    TEXT,
    cancelled_on    TEXT,
    project_id      INTEGER REFERENCES projects(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (done_on IS NULL OR done_on >= requested_on)
) STRICT;
CREATE INDEX services_household ON services(household_id, done_on);
CREATE INDEX services_requested ON services(requested_on);

-- Volunteers sent on a service; they get hours when it is done.
CREATE TABLE service_volunteers (
    service_id   INTEGER NOT NULL REFERENCES services(id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
    PRIMARY KEY (service_id, volunteer_id)
) STRICT;

-- 志愿服务记录. Never deleted; only the review fields change (see the triggers). A correction is a
-- new entry whose corrects_id names the old one, which is rejected in the same transaction.
CREATE TABLE hour_entries (
    id            INTEGER PRIMARY KEY,
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    date          TEXT NOT NULL,
    start_time    TEXT NOT NULL,
    end_time      TEXT NOT NULL,
    -- 1 when the service ends the next day (e.g. a night watch 22:00–次日 02:00).
    overnight     INTEGER NOT NULL DEFAULT 0 CHECK (overnight IN (0, 1)),
    minutes       INTEGER NOT NULL CHECK (minutes > 0 AND minutes < 1440),
    content       TEXT NOT NULL CHECK (length(trim(content)) > 0),
    place         TEXT NOT NULL DEFAULT '',
    organiser     TEXT NOT NULL DEFAULT '',
    activity_id   INTEGER REFERENCES activities(id),
    service_id    INTEGER REFERENCES services(id),
    status        TEXT NOT NULL CHECK (status IN ('待审核', '已确认', '已驳回')),
    verifier      TEXT,
    reviewed_at   TEXT,
    review_note   TEXT NOT NULL DEFAULT '',
    corrects_id   INTEGER REFERENCES hour_entries(id),
    entered_by    TEXT NOT NULL,
    entered_at    TEXT NOT NULL,
    CHECK (overnight = 1 OR end_time > start_time)
) STRICT;
CREATE INDEX hour_entries_volunteer ON hour_entries(volunteer_id, date);
CREATE INDEX hour_entries_date ON hour_entries(date, status);
CREATE INDEX hour_entries_activity ON hour_entries(activity_id);
CREATE INDEX hour_entries_service ON hour_entries(service_id);

CREATE TRIGGER hour_entries_never_deleted BEFORE DELETE ON hour_entries
BEGIN
    SELECT RAISE(ABORT, '志愿服务记录不能删除，请驳回或更正');
END;

CREATE TRIGGER hour_entries_facts_fixed
BEFORE UPDATE OF volunteer_id, date, start_time, end_time, overnight, minutes, content, place, organiser,
                 activity_id, service_id, corrects_id, entered_by, entered_at ON hour_entries
BEGIN
    SELECT RAISE(ABORT, '志愿服务记录登记后不能修改，请用“更正”另记一条');
END;

-- Every status change of an entry, oldest first: the history a reviewer or auditor reads.
CREATE TABLE hour_entry_events (
    id       INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES hour_entries(id),
    at       TEXT NOT NULL,
    operator TEXT NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('登记', '确认', '驳回', '更正')),
    note     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX hour_entry_events_entry ON hour_entry_events(entry_id, id);

CREATE TRIGGER hour_entry_events_never_deleted BEFORE DELETE ON hour_entry_events
BEGIN
    SELECT RAISE(ABORT, '志愿服务记录的历史不能删除');
END;

-- 书记项目: one owner each, a timetable and milestones.
CREATE TABLE projects (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    line       TEXT NOT NULL CHECK (line IN ('红引擎·在职党员', '银力量·离退休党员', '青动力·两新组织', '其他')),
    owner      TEXT NOT NULL CHECK (length(trim(owner)) > 0),
    goal       TEXT NOT NULL DEFAULT '',
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
) STRICT;

CREATE TABLE milestones (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    title      TEXT NOT NULL CHECK (length(trim(title)) > 0),
    due_on     TEXT NOT NULL,
    done_on    TEXT,
    position   INTEGER NOT NULL
) STRICT;
CREATE INDEX milestones_project ON milestones(project_id, position);
CREATE INDEX milestones_due ON milestones(due_on) WHERE done_on IS NULL;

CREATE TABLE project_activities (
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    PRIMARY KEY (project_id, activity_id)
) STRICT;
