package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"kabinet/internal/auth"
	"kabinet/internal/loadtest"
)

func TestMain(m *testing.M) {
	auth.UseFastParamsForTests()
	os.Exit(m.Run())
}

// TestJSONReport: a tiny run with -json prints a report a script can read,
// and exits 0 because nothing was lost.
func TestJSONReport(t *testing.T) {
	var out, progress bytes.Buffer
	code, err := run(context.Background(), []string{"-db", filepath.Join(t.TempDir(), "load.db"), "-accounts", "100",
		"-submissions", "150", "-concurrency", "4", "-login-rate", "5", "-json"}, &out, &progress)
	if err != nil || code != 0 {
		t.Fatalf("exit %d: %v\n%s", code, err, progress.String())
	}
	var rep loadtest.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("the report is not JSON: %v\n%s", err, out.String())
	}
	if !rep.Integrity.OK || rep.Visits != 150 || rep.Op("submission").Count != 150 || rep.Accounts != 100 || rep.Backend != "sqlite" {
		t.Errorf("report: %d visits, %d submissions, integrity %+v", rep.Visits, rep.Op("submission").Count, rep.Integrity)
	}
}

func TestBadFlagsExit2(t *testing.T) {
	var out, progress bytes.Buffer
	for _, args := range [][]string{{"-accounts", "0"}, {"-no-such-flag"}, {"-concurrency", "0", "-accounts", "5"}} {
		if code, err := run(context.Background(), append(args, "-db", filepath.Join(t.TempDir(), "x.db")), &out, &progress); code != 2 || err == nil {
			t.Errorf("%v: exit %d, %v", args, code, err)
		}
	}
}
