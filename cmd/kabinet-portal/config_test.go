package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestRedactDSNHidesPasswords(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://kabinet:s3cret@db1:5432/kabinet?sslmode=verify-full":  "postgres://kabinet:xxxxx@db1:5432/kabinet?sslmode=verify-full",
		"postgresql://kabinet@db1/kabinet?password=s3cret&sslmode=verify": "postgresql://kabinet@db1/kabinet?password=xxxxx&sslmode=verify",
		"host=db1 user=kabinet password=s3cret dbname=kabinet":            "host=db1 user=kabinet password=xxxxx dbname=kabinet",
		"/var/lib/kabinet/portal.db":                                      "/var/lib/kabinet/portal.db",
	} {
		if got := redactDSN(dsn); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", dsn, got, want)
		}
	}
}

var metricsAt = regexp.MustCompile(`msg="metrics listening" address=(127\.0\.0\.1:\d+)`)

func TestServeExposesMetricsOnItsOwnAddress(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the portal")
	}
	db := filepath.Join(t.TempDir(), "portal.db")
	logs, stop := startServe(t, "-demo", "-addr", "127.0.0.1:0", "-db", db, "-metrics-addr", "127.0.0.1:0")
	defer stop()
	api := regexp.MustCompile(`msg="kabinet-portal listening" url=(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(logs.String())
	m := metricsAt.FindStringSubmatch(logs.String())
	if api == nil || m == nil {
		t.Fatalf("no addresses in the log:\n%s", logs)
	}
	if code, _, _ := call(t, "GET", api[1]+"/api/v1/news", "", ""); code != http.StatusOK {
		t.Fatalf("news: %d", code)
	}
	// The public API does not serve the metrics.
	if code, _, _ := call(t, "GET", api[1]+"/metrics", "", ""); code == http.StatusOK {
		t.Errorf("the API's address serves /metrics")
	}
	resp, err := http.Get("http://" + m[1] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`kabinet_http_requests_total{method="GET",route="GET /api/v1/news",status="200"} 1`,
		`kabinet_db_open_connections{db="sqlite"}`,
		`kabinet_mail_queue{state="pending"} 0`,
		`kabinet_reminder_queue{state="failed"} 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", body)
	}
}
