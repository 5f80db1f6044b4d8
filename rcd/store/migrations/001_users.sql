-- 1: users, their roles and their login tokens.
CREATE TABLE users (
    rid           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL DEFAULT '',
    email         TEXT UNIQUE COLLATE NOCASE,
    email_verified INTEGER NOT NULL DEFAULT 0,
    type          TEXT NOT NULL DEFAULT 'user',
    active        INTEGER NOT NULL DEFAULT 1,
    status        TEXT NOT NULL DEFAULT 'offline',
    password      TEXT,
    require_password_change INTEGER NOT NULL DEFAULT 0,
    utc_offset    REAL NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_login    INTEGER
);
CREATE TABLE user_roles (
    user_rid INTEGER NOT NULL REFERENCES users(rid) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    UNIQUE (user_rid, role)
);
CREATE INDEX user_roles_role ON user_roles(role);
CREATE TABLE tokens (
    hash       TEXT NOT NULL UNIQUE,
    user_rid   INTEGER NOT NULL REFERENCES users(rid) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX tokens_user ON tokens(user_rid);
