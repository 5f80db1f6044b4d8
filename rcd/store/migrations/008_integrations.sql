-- 8: incoming webhook integrations (integrations.*, /hooks). The token is
-- kept as Rocket.Chat keeps it, in clear: integrations.get/list show it and
-- the webhook URL is built from it. /hooks finds the row by id and compares
-- the token in constant time; no query ever matches on the token.
CREATE TABLE integrations (
    rid           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    type          TEXT NOT NULL,
    name          TEXT NOT NULL,
    enabled       INTEGER NOT NULL,
    token         TEXT NOT NULL,
    user_id       TEXT NOT NULL,        -- the post-as user's public id
    username      TEXT NOT NULL,
    channel       TEXT NOT NULL,        -- JSON array of "#room" / "@user"
    alias         TEXT,
    emoji         TEXT,
    avatar        TEXT,
    script_enabled INTEGER NOT NULL,
    script        TEXT,
    script_engine TEXT NOT NULL,
    override_dest INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    created_by_id TEXT NOT NULL,
    created_by_username TEXT,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX integrations_created_by ON integrations(created_by_id);
