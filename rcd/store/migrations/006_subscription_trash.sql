-- 6: removed subscriptions, so subscriptions.get?updatedSince can report
-- them in "remove" as rooms.get reports deleted rooms from room_trash.
CREATE TABLE subscription_trash (
    id            TEXT NOT NULL,
    user_rid      INTEGER NOT NULL REFERENCES users(rid) ON DELETE CASCADE,
    room_id       TEXT NOT NULL,
    deleted_at    INTEGER NOT NULL
);
CREATE INDEX subscription_trash_user ON subscription_trash(user_rid, deleted_at);
