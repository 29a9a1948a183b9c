package portaldb

import (
	"strings"
	"testing"
)

var rebindCases = []struct{ in, want string }{
	{`SELECT 1`, `SELECT 1`},
	{`SELECT * FROM t WHERE a = ? AND b > ?`, `SELECT * FROM t WHERE a = $1 AND b > $2`},
	{`INSERT INTO t VALUES (?, ?, ?) RETURNING id`, `INSERT INTO t VALUES ($1, $2, $3) RETURNING id`},
	{`SELECT '?' || ? FROM t`, `SELECT '?' || $1 FROM t`},
	{`SELECT 'it''s ?', ? FROM t`, `SELECT 'it''s ?', $1 FROM t`},
	{`SELECT "odd?name" FROM t WHERE x = ?`, `SELECT "odd?name" FROM t WHERE x = $1`},
	{"SELECT ? -- what?\nFROM t WHERE y = ?", "SELECT $1 -- what?\nFROM t WHERE y = $2"},
	{`SELECT /* ? */ ? FROM t`, `SELECT /* ? */ $1 FROM t`},
	{`SELECT 'unterminated ?`, `SELECT 'unterminated ?`},
	{`?,?,?,?,?,?,?,?,?,?,?`, `$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11`},
}

func TestRebind(t *testing.T) {
	for _, c := range rebindCases {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzRebind(f *testing.F) {
	for _, c := range rebindCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := rebind(q)
		// Without quotes or comments every ? is a placeholder, numbered in order.
		if strings.ContainsAny(q, `'"-/$`) {
			return
		}
		n := strings.Count(q, "?")
		if strings.Contains(got, "?") || strings.Count(got, "$") != n {
			t.Errorf("rebind(%q) = %q", q, got)
		}
	})
}
