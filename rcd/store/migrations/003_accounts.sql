-- 3: profile fields, deactivation reasons, TOTP, personal access tokens,
-- 2FA remembered per token, and failed-login counters.
ALTER TABLE users ADD COLUMN nickname TEXT;
ALTER TABLE users ADD COLUMN bio TEXT;
ALTER TABLE users ADD COLUMN status_text TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN status_default TEXT NOT NULL DEFAULT 'online';
ALTER TABLE users ADD COLUMN inactive_reason TEXT;
ALTER TABLE users ADD COLUMN custom_fields TEXT;
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_backup TEXT;
CREATE INDEX users_last_login ON users(last_login);
CREATE INDEX users_name ON users(name COLLATE NOCASE);
CREATE UNIQUE INDEX tokens_pat_name ON tokens(user_rid, name) WHERE kind = 'pat';
ALTER TABLE tokens ADD COLUMN twofa_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN twofa_client TEXT;
CREATE TABLE login_failures (
    key        TEXT PRIMARY KEY,
    count      INTEGER NOT NULL,
    first_at   INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
