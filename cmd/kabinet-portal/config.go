package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"kabinet/internal/metrics"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
)

// dbUsage describes -db for every subcommand.
const dbUsage = "database: a SQLite file, or postgres://user@host:5432/dbname?sslmode=verify-full for PostgreSQL; " +
	"put a password only in the environment (KABINET_PORTAL_DB)"

// isPostgres reports whether dsn names a PostgreSQL database.
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// dataDir is where files that belong with the database go (the demo's SMS
// file and e-mails): beside a SQLite file, the working directory for
// PostgreSQL.
func dataDir(dsn string) string {
	if isPostgres(dsn) {
		return "."
	}
	return filepath.Dir(dsn)
}

// mustExist checks that a SQLite file is there before a subcommand opens it
// (opening would create an empty one); a PostgreSQL database is checked by
// connecting.
func mustExist(dsn string) error {
	if isPostgres(dsn) {
		return nil
	}
	_, err := os.Stat(dsn)
	return err
}

var dsnPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('[^']*'|\S+)`)

// redactDSN hides the password of a database address for the log.
func redactDSN(dsn string) string {
	if isPostgres(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "postgres://…"
		}
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	return dsnPassword.ReplaceAllString(dsn, "${1}xxxxx")
}

// serveMetrics starts Prometheus /metrics on its own listener when addr is
// set, so it never shows through the public API's proxy. Without addr it
// returns nil metrics, which count nothing.
func serveMetrics(addr string, db *portaldb.DB, log *slog.Logger) (*metrics.Metrics, func(), error) {
	if addr == "" {
		return nil, func() {}, nil
	}
	m := metrics.New(log)
	if err := m.RegisterDB(db.Dialect(), db.Stats); err != nil {
		return nil, nil, err
	}
	if err := m.RegisterMailQueue(db.MailJobCounts); err != nil {
		return nil, nil, err
	}
	if err := m.RegisterReminderQueue(db.ReminderJobCounts); err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("-metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := portal.NewHTTPServer(mux)
	go srv.Serve(ln)
	log.Info("metrics listening", "address", ln.Addr().String(), "path", "/metrics")
	return m, func() { srv.Close() }, nil
}
