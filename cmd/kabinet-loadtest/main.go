// Command kabinet-loadtest replays the reading window of a supplier with
// 300 000 accounts against the portal server, started in this process on
// 127.0.0.1, and checks that no acknowledged reading was lost or stored
// twice (see internal/loadtest and docs/performance.md).
//
//	kabinet-loadtest [-db file.db | -db postgres://…] [-accounts 300000] [-duration 60s | -submissions N]
//	                 [-concurrency 32] [-rate 0] [-login-rate 5] [-fresh] [-json] [-cpuprofile cpu.out]
//
// Without -db it uses kabinet-loadtest.db in the temporary directory; a
// postgres:// URL works in the schema its search_path names, by default
// kabinet_loadtest. The first run seeds the customers, later runs reuse
// them and undo only what the previous run added; -fresh starts over.
//
// It exits with 1 when the integrity check fails, 2 when the run could not
// be made; whether the floor (1 000 submissions/s, p99 ≤ 100 ms) holds is
// in the report.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"kabinet/internal/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kabinet-loadtest:", err)
	}
	os.Exit(code)
}

func run(ctx context.Context, args []string, out, progress io.Writer) (int, error) {
	fs := flag.NewFlagSet("kabinet-loadtest", flag.ContinueOnError)
	fs.SetOutput(progress)
	cfg := loadtest.Config{Mix: loadtest.DefaultMix, Progress: progress}
	fs.StringVar(&cfg.DSN, "db", loadtest.DefaultSQLitePath(), "SQLite file or postgres:// URL (its search_path, default "+loadtest.DefaultSchema+", is the schema used)")
	fs.BoolVar(&cfg.Fresh, "fresh", false, "drop the PostgreSQL schema or remove the SQLite file first, and seed anew")
	fs.IntVar(&cfg.Accounts, "accounts", loadtest.DefaultAccounts, "customers in the population, one account each")
	fs.DurationVar(&cfg.Duration, "duration", loadtest.DefaultDuration, "how long to replay")
	fs.IntVar(&cfg.Submissions, "submissions", 0, "stop after this many visits (one submission each) instead of after -duration")
	fs.IntVar(&cfg.Concurrency, "concurrency", loadtest.DefaultConcurrency, "visits at once, each on its own keep-alive connection")
	fs.Float64Var(&cfg.Rate, "rate", 0, "visits per second to aim at (0: as fast as the connections go)")
	fs.Float64Var(&cfg.LoginRate, "login-rate", loadtest.DefaultLoginRate, "real logins (argon2id) per second beside the visits")
	fs.Float64Var(&cfg.Mix.ColdShare, "cold", loadtest.DefaultMix.ColdShare, "share of apps without a stored document (their fetch is a 200)")
	fs.Float64Var(&cfg.Mix.RetryShare, "retry", loadtest.DefaultMix.RetryShare, "share of accepted submissions sent again with the same Idempotency-Key")
	fs.IntVar(&cfg.BatchSize, "batch", loadtest.DefaultBatchSize, "customers per LoadSeed call when seeding")
	fs.IntVar(&cfg.SeedParallel, "seed-parallel", 1, "LoadSeed calls at once on PostgreSQL")
	fs.IntVar(&cfg.WriteConns, "write-conns", 0, "portaldb write connections on PostgreSQL (0: its default)")
	fs.IntVar(&cfg.ReadConns, "read-conns", 0, "portaldb read connections (0: its default)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the visit order and the readings")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the replay to this file")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return 2, err
		}
		defer f.Close()
		cfg.CPUProfile = f
	}
	rep, err := loadtest.Run(ctx, cfg)
	if err != nil {
		return 2, err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return 2, err
		}
	} else {
		rep.WriteText(out)
	}
	if !rep.Integrity.OK {
		return 1, nil
	}
	return 0, nil
}
