package loadtest

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms"
)

// Config is what a run is made of.
type Config struct {
	// DSN is a SQLite path or a postgres:// URL, as portaldb.Open takes.
	DSN string
	// Fresh drops the PostgreSQL schema or removes the SQLite file first.
	Fresh    bool
	Accounts int
	// Duration bounds the replay; Submissions, when set, replaces it: the
	// run stops after that many visits.
	Duration    time.Duration
	Submissions int
	// Concurrency is how many visits run at once, each on its own
	// keep-alive connection.
	Concurrency int
	// Rate, when set, paces the visits at that many per second (one
	// submission each); zero runs them as fast as the workers go.
	Rate float64
	// LoginRate is how many real logins per second run beside the visits.
	LoginRate float64
	Mix       Mix
	// BatchSize is how many customers one LoadSeed call seeds, and
	// SeedParallel how many calls run at once (PostgreSQL only: SQLite has
	// one writer).
	BatchSize, SeedParallel int
	// WriteConns and ReadConns size portaldb's pools (0: its defaults).
	WriteConns, ReadConns int
	// CPUProfile, when set, receives a CPU profile of the replay (server
	// and client: they share the process).
	CPUProfile io.Writer
	// Progress receives what the run is doing while it prepares.
	Progress io.Writer
	// Seed makes the visit order and the readings repeatable.
	Seed uint64
}

// Defaults of a run on a 2-core machine.
const (
	DefaultAccounts    = 300_000
	DefaultDuration    = 60 * time.Second
	DefaultConcurrency = 32
	DefaultLoginRate   = 5
	DefaultBatchSize   = 5000
	// loginsInFlight bounds the logins running at once; the server hashes
	// at most 2 × cores at a time anyway.
	loginsInFlight = 8
	// etagSamples is how many documents checkETags fetches.
	etagSamples = 3
)

func (cfg *Config) validate() error {
	switch {
	case cfg.Accounts < 1 || cfg.Accounts > MaxAccounts:
		return fmt.Errorf("accounts: %d is not between 1 and %d", cfg.Accounts, MaxAccounts)
	case cfg.Duration <= 0 && cfg.Submissions <= 0:
		return errors.New("give a duration or a number of submissions")
	case cfg.Concurrency < 1:
		return errors.New("concurrency: at least 1")
	case cfg.Rate < 0 || cfg.LoginRate < 0:
		return errors.New("rates cannot be negative")
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	// More workers than customers would leave some with nobody to visit.
	cfg.Concurrency = min(cfg.Concurrency, cfg.Accounts)
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	return cfg.Mix.Validate()
}

// Run prepares the database, replays the window against a portal server
// started in this process on 127.0.0.1 and checks the stored readings. An
// error means the run could not be made; a failed integrity check is in
// the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	prepStart := time.Now()
	db, err := openDatabase(ctx, cfg.DSN, cfg.Fresh, portaldb.Options{WriteConns: cfg.WriteConns, ReadConns: cfg.ReadConns})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rep := &Report{Backend: db.Dialect(), Accounts: cfg.Accounts, Concurrency: cfg.Concurrency, TargetRate: cfg.Rate,
		LoginRate: cfg.LoginRate, CPUs: runtime.GOMAXPROCS(0)}
	found, err := prepare(ctx, db, cfg, rep)
	if err != nil {
		return nil, err
	}
	window := domain.AlwaysOpen
	customers := population(db.Epoch(), found, cfg, window)
	rep.PrepareSeconds = time.Since(prepStart).Seconds()

	base, stop, err := startPortal(ctx, db, window, cfg.Progress)
	if err != nil {
		return nil, err
	}
	defer stop()
	transport := &http.Transport{
		MaxIdleConns:        cfg.Concurrency + loginsInFlight + etagSamples,
		MaxIdleConnsPerHost: cfg.Concurrency + loginsInFlight + etagSamples,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	defer transport.CloseIdleConnections()
	p := &replayer{base: base, client: &http.Client{Transport: transport, Timeout: 30 * time.Second},
		mix: cfg.Mix, run: newRunID(), customers: customers, budget: int64(cfg.Submissions), done: make(chan struct{})}
	if err := p.checkETags(ctx, db.Epoch(), found, window); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x6f72646572))
	p.order = r.Perm(len(customers))
	total, err := p.measure(ctx, cfg, db, rep)
	if err != nil {
		return nil, err
	}
	// The server is done before the count: nothing is still committing.
	stop()
	st, err := countStored(ctx, db)
	if err != nil {
		return nil, err
	}
	rep.Integrity = judge(total.acks, st, total.replays, total.identical)
	rep.FloorMet = rep.floorMet()
	return rep, nil
}

// startPortal serves the portal as cmd/kabinet-portal builds it on
// 127.0.0.1, with the window given and only warnings and errors logged (a
// line per request would measure the terminal). stop closes it and waits
// for its background work; it may be called more than once.
func startPortal(ctx context.Context, db *portaldb.DB, window domain.SubmissionWindow, log io.Writer) (base string, stop func(), err error) {
	quiet := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := portal.New(ctx, portal.Config{DB: db, SMS: discardSMS{}, Logger: quiet, Window: window})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := portal.NewHTTPServer(srv.Handler())
	hs.ErrorLog = slog.NewLogLogger(quiet.Handler(), slog.LevelWarn)
	go hs.Serve(ln)
	var once sync.Once
	return "http://" + ln.Addr().String(), func() {
		once.Do(func() {
			hs.Close()
			srv.Wait()
		})
	}, nil
}

// measure runs the replay, with the CPU profile when asked for, and puts
// its figures in rep.
func (p *replayer) measure(ctx context.Context, cfg Config, db *portaldb.DB, rep *Report) (*workerResult, error) {
	waitsBefore := db.Stats()
	if cfg.CPUProfile != nil {
		if err := pprof.StartCPUProfile(cfg.CPUProfile); err != nil {
			return nil, err
		}
	}
	rep.LoadBefore = loadAverage()
	fmt.Fprintf(cfg.Progress, "replaying with %d connections…\n", cfg.Concurrency)
	total, logins, skipped, elapsed := p.replay(ctx, cfg)
	rep.LoadAfter = loadAverage()
	if cfg.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	waits := db.Stats()
	rep.DBWaits = waits.WaitCount - waitsBefore.WaitCount
	rep.DBWaitSeconds = (waits.WaitDuration - waitsBefore.WaitDuration).Seconds()

	rep.Seconds = elapsed.Seconds()
	rep.Visits = total.visits
	rep.Behind = p.behind.Load()
	rep.LoginsSkipped = skipped
	total.rec.merge(logins)
	for o := range numOps {
		rep.Ops = append(rep.Ops, summarize(o.String(), total.rec.took[o], elapsed))
	}
	rep.SubmissionsPerSecond = rep.Op(opSubmission.String()).Rate
	rep.Errors = total.rec.errorCounts()
	return total, nil
}

// prepare seeds what is missing, undoes earlier runs and writes the
// sessions, and returns the population.
func prepare(ctx context.Context, db *portaldb.DB, cfg Config, rep *Report) (map[int]member, error) {
	found, err := scanPopulation(ctx, db)
	if err != nil {
		return nil, err
	}
	parallel := 1
	if db.Dialect() == "postgres" {
		parallel = max(1, cfg.SeedParallel)
	}
	if rep.Seeding, err = seedMissing(ctx, db, found, cfg.Accounts, cfg.BatchSize, parallel, cfg.Progress); err != nil {
		return nil, err
	}
	if rep.Seeding.Seeded > 0 {
		if found, err = scanPopulation(ctx, db); err != nil {
			return nil, err
		}
	}
	now := time.Now()
	fmt.Fprintf(cfg.Progress, "resetting what earlier runs added…\n")
	if err := reset(ctx, db, now.Add(24*time.Hour).Unix()); err != nil {
		return nil, err
	}
	t := time.Now()
	if rep.Seeding.SessionsCreated, err = ensureSessions(ctx, db, found, now); err != nil {
		return nil, err
	}
	rep.Seeding.SessionSeconds = time.Since(t).Seconds()
	return found, nil
}

// population returns customers 0 … Accounts-1 as their apps know them: the
// session kept from an earlier login and, for all but the cold ones, the
// document of today with its ETag and cursor.
func population(epoch string, found map[int]member, cfg Config, window domain.SubmissionWindow) []*customer {
	today := domain.DateOf(time.Now(), domain.Moscow)
	out := make([]*customer, cfg.Accounts)
	for i := range out {
		m := found[i]
		c := &customer{index: i, number: customerNumber(i), path: "/api/v1/accounts/" + accountNumber(i),
			meter: fmt.Sprint(m.meterID), bearer: "Bearer " + sessionToken(epoch, i), last: seededLast(i)}
		if !cfg.Mix.cold(i) {
			c.etag, c.cursor = portal.DocumentETag(epoch, m.accountID, m.seq, today, window), portal.DocumentCursor(epoch, m.seq)
		}
		out[i] = c
	}
	return out
}

// checkETags fetches a few documents and compares their ETags with the
// ones the apps were given (portal.DocumentETag of the seeded change): the
// 304s of the replay depend on the change numbers read from the database, and the
// 200s show that the sessions were written as the server reads them.
func (p *replayer) checkETags(ctx context.Context, epoch string, found map[int]member, window domain.SubmissionWindow) error {
	today := domain.DateOf(time.Now(), domain.Moscow)
	for k := range min(etagSamples, len(p.customers)) {
		i := k * len(p.customers) / etagSamples
		c := p.customers[i]
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.base+c.path, nil)
		req.Header.Set("Authorization", c.bearer)
		status, header, body, _, err := p.do(req)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("the account document of customer %s: %s", c.number, failure("status", status, body))
		}
		m := found[i]
		if got, want := header.Get("ETag"), portal.DocumentETag(epoch, m.accountID, m.seq, today, window); got != want {
			return fmt.Errorf("the portal's ETag %s is not the %s the load test computed", got, want)
		}
	}
	return nil
}

// replay runs the workers and the logins until the duration is over or
// the budget of visits is spent, and adds up what they saw. Visits under
// way when the time is up are finished, so every submission gets its
// answer.
func (p *replayer) replay(ctx context.Context, cfg Config) (total *workerResult, logins *recorder, skipped int, elapsed time.Duration) {
	var stop sync.Once
	end := func() { stop.Do(func() { close(p.done) }) }
	if cfg.Submissions <= 0 {
		t := time.AfterFunc(cfg.Duration, end)
		defer t.Stop()
	}
	go func() {
		select {
		case <-ctx.Done():
			end()
		case <-p.done:
		}
	}()
	if cfg.Rate > 0 {
		p.pace = make(chan struct{}, cfg.Concurrency)
		go pacer(cfg.Rate, p.pace, p.done, &p.behind)
	}
	start := time.Now()
	logins = newRecorder()
	var loginsDone sync.WaitGroup
	if cfg.LoginRate > 0 {
		loginsDone.Go(func() { logins, skipped = p.logins(cfg.LoginRate, loginsInFlight, cfg.Seed) })
	}
	results := make([]*workerResult, cfg.Concurrency)
	var wg sync.WaitGroup
	for w := range results {
		wg.Go(func() { results[w] = p.work(cfg.Seed<<8 + uint64(w)) })
	}
	wg.Wait()
	elapsed = time.Since(start)
	end() // a budget of visits is spent: the logins stop too
	loginsDone.Wait()
	total = &workerResult{rec: newRecorder()}
	for _, r := range results {
		total.rec.merge(r.rec)
		total.visits += r.visits
		total.acks = append(total.acks, r.acks...)
		total.replays += r.replays
		total.identical += r.identical
	}
	return total, logins, skipped, elapsed
}

func newRunID() string {
	b := make([]byte, 4)
	crand.Read(b)
	return hex.EncodeToString(b)
}

// discardSMS is the SMS gateway of a run: no password recovery happens.
type discardSMS struct{}

func (discardSMS) Send(context.Context, sms.Message) error { return nil }
