-- 7: what message paging needs beyond 005: thread lists by last reply,
-- the discussion-created messages of a discussion (by drid), and the
-- message a discussion was started from (one discussion per message).
CREATE INDEX messages_room_tlm ON messages(room_rid, tlm) WHERE tlm IS NOT NULL;
CREATE INDEX messages_drid ON messages(drid) WHERE drid IS NOT NULL;
CREATE TABLE discussions (
    room_rid      INTEGER PRIMARY KEY REFERENCES rooms(rid) ON DELETE CASCADE,
    prid          INTEGER NOT NULL REFERENCES rooms(rid) ON DELETE CASCADE,
    pmid          TEXT NOT NULL
);
CREATE INDEX discussions_pmid ON discussions(prid, pmid);
