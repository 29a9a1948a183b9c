-- +goose Up
-- Limits of «at most N in any window» (password recovery from one client
-- address: 20 an hour) live here rather than in a server's memory, so every
-- portal instance counts against one budget and a restart hands out no
-- fresh one. events are the times (Unix milliseconds, ascending, separated
-- by commas) of the events counted in the window; at most N of them.
CREATE TABLE rate_limits (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    events     TEXT NOT NULL DEFAULT '',
    touched_at INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX rate_limits_by_touch ON rate_limits (kind, touched_at);

-- +goose Down
DROP TABLE rate_limits;
