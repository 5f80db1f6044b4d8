-- 5: rooms (channels, private groups, DMs, discussions), subscriptions
-- (membership, room roles, counters, notification preferences), messages
-- (threads, system messages), teams and their members, deleted-room trash.
CREATE TABLE rooms (
    rid           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    t             TEXT NOT NULL CHECK (t IN ('c', 'p', 'd')),
    name          TEXT,
    fname         TEXT,
    u_id          TEXT,
    u_username    TEXT,
    topic         TEXT,
    description   TEXT,
    announcement  TEXT,
    ro            INTEGER NOT NULL DEFAULT 0,
    archived      INTEGER NOT NULL DEFAULT 0,
    is_default    INTEGER NOT NULL DEFAULT 0,
    featured      INTEGER NOT NULL DEFAULT 0,
    broadcast     INTEGER NOT NULL DEFAULT 0,
    encrypted     INTEGER NOT NULL DEFAULT 0,
    msgs          INTEGER NOT NULL DEFAULT 0,
    users_count   INTEGER NOT NULL DEFAULT 0,
    ts            INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    lm            INTEGER,
    last_message  TEXT,
    prid          INTEGER REFERENCES rooms(rid) ON DELETE CASCADE,
    team_id       TEXT,
    team_main     INTEGER NOT NULL DEFAULT 0,
    team_default  INTEGER NOT NULL DEFAULT 0,
    custom_fields TEXT,
    join_code     TEXT,
    usernames     TEXT,
    uids          TEXT
);
-- names are unique across channels and groups (and team main rooms)
CREATE UNIQUE INDEX rooms_name ON rooms(name COLLATE NOCASE) WHERE t IN ('c', 'p');
CREATE INDEX rooms_t_name ON rooms(t, name COLLATE NOCASE);
CREATE INDEX rooms_prid ON rooms(prid) WHERE prid IS NOT NULL;
CREATE INDEX rooms_team ON rooms(team_id) WHERE team_id IS NOT NULL;
CREATE INDEX rooms_updated ON rooms(updated_at);

CREATE TABLE subscriptions (
    sid           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    room_rid      INTEGER NOT NULL REFERENCES rooms(rid) ON DELETE CASCADE,
    user_rid      INTEGER NOT NULL REFERENCES users(rid) ON DELETE CASCADE,
    roles         TEXT,
    ts            INTEGER NOT NULL,
    ls            INTEGER,
    updated_at    INTEGER NOT NULL,
    open          INTEGER NOT NULL DEFAULT 1,
    alert         INTEGER NOT NULL DEFAULT 0,
    unread        INTEGER NOT NULL DEFAULT 0,
    user_mentions INTEGER NOT NULL DEFAULT 0,
    group_mentions INTEGER NOT NULL DEFAULT 0,
    archived      INTEGER NOT NULL DEFAULT 0,
    desktop       TEXT,
    desktop_origin TEXT,
    mobile        TEXT,
    mobile_origin TEXT,
    email         TEXT,
    email_origin  TEXT,
    audio         TEXT,
    disable_notifications INTEGER NOT NULL DEFAULT 0,
    mute_group_mentions   INTEGER NOT NULL DEFAULT 0,
    hide_unread   INTEGER NOT NULL DEFAULT 0,
    hide_mention  INTEGER NOT NULL DEFAULT 0,
    unread_alert  TEXT,
    UNIQUE (room_rid, user_rid)
);
CREATE INDEX subscriptions_user ON subscriptions(user_rid);

CREATE TABLE messages (
    mid           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    room_rid      INTEGER NOT NULL REFERENCES rooms(rid) ON DELETE CASCADE,
    ts            INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    u_id          TEXT NOT NULL,
    u_username    TEXT NOT NULL,
    u_name        TEXT,
    msg           TEXT NOT NULL DEFAULT '',
    t             TEXT,
    tmid          TEXT,
    tshow         INTEGER NOT NULL DEFAULT 0,
    tcount        INTEGER NOT NULL DEFAULT 0,
    tlm           INTEGER,
    replies       TEXT,
    alias         TEXT,
    emoji         TEXT,
    avatar        TEXT,
    attachments   TEXT,
    mentions      TEXT,
    channels      TEXT,
    edited_at     INTEGER,
    edited_by     TEXT,
    drid          TEXT,
    dcount        INTEGER,
    dlm           INTEGER,
    bot           TEXT,
    custom_fields TEXT,
    role          TEXT,
    groupable     INTEGER
);
CREATE INDEX messages_room_ts ON messages(room_rid, ts);
CREATE INDEX messages_tmid ON messages(tmid, ts) WHERE tmid IS NOT NULL;
CREATE INDEX messages_user ON messages(u_id);

CREATE TABLE teams (
    tid           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    type          INTEGER NOT NULL,
    room_id       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    created_by_id TEXT NOT NULL,
    created_by_username TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE TABLE team_members (
    team_tid      INTEGER NOT NULL REFERENCES teams(tid) ON DELETE CASCADE,
    user_rid      INTEGER NOT NULL REFERENCES users(rid) ON DELETE CASCADE,
    roles         TEXT,
    created_at    INTEGER NOT NULL,
    created_by_id TEXT,
    created_by_username TEXT,
    UNIQUE (team_tid, user_rid)
);
CREATE INDEX team_members_user ON team_members(user_rid);

CREATE TABLE room_trash (
    id            TEXT NOT NULL,
    deleted_at    INTEGER NOT NULL
);
CREATE INDEX room_trash_at ON room_trash(deleted_at);
