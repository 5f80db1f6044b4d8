-- 2: settings and permissions changed from their defaults; kinds of token.
CREATE TABLE settings (
    id         TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE permissions (
    id         TEXT PRIMARY KEY,
    roles      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'login';
ALTER TABLE tokens ADD COLUMN name TEXT;
ALTER TABLE tokens ADD COLUMN last_part TEXT;
ALTER TABLE tokens ADD COLUMN bypass_2fa INTEGER NOT NULL DEFAULT 0;
