-- 4: indexes behind users.list's orders. Each index ends in the rowid, the
-- tie-breaker every order uses, so a page is read in index order.
CREATE INDEX users_created_at ON users(created_at);
CREATE INDEX users_status ON users(status, active);
CREATE INDEX users_active ON users(active);
CREATE INDEX users_type ON users(type);
