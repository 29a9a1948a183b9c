package reminders_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// BenchmarkPlanWindowReminders plans the first day's reminders of 20 000
// accounts subscribed by SMS and e-mail, each with a meter (SQLite), and
// plans them again as the runner does each hour in the window: one large
// write transaction each time.
func BenchmarkPlanWindowReminders(b *testing.B) {
	const accounts = 20000
	ctx := context.Background()
	now := time.Date(2026, time.December, 1, 0, 0, 0, 0, domain.Moscow)
	seed, err := demo.Build(now, func(string) (string, error) { return "not-a-hash", nil })
	if err != nil {
		b.Fatal(err)
	}
	base := seed.Customers[0] // Иванова: one account, one meter
	seed.Customers = seed.Customers[:0]
	for i := range accounts {
		c := base
		c.Number = fmt.Sprint(500000 + i)
		c.Phone = fmt.Sprintf("+7912%07d", i)
		a := base.Accounts[0]
		a.Number = fmt.Sprint(5500000000 + i)
		a.Subscriptions = domain.Subscriptions{SMSReminders: true, EmailReminders: true}
		c.Accounts = []portaldb.SeedAccount{a}
		seed.Customers = append(seed.Customers, c)
	}
	db, err := portaldb.Open(ctx, filepath.Join(b.TempDir(), "portal.db"), portaldb.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.LoadSeed(ctx, seed); err != nil {
		b.Fatal(err)
	}
	period := domain.Period{Year: 2026, Month: time.December}
	start := time.Now()
	if n, err := db.PlanWindowReminders(ctx, period, portaldb.SlotOpens, now); err != nil || n != 2*accounts {
		b.Fatalf("%d jobs, %v", n, err)
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/first-plan")
	// Planned again (each hour, for whoever subscribed since): nothing new.
	for b.Loop() {
		if n, err := db.PlanWindowReminders(ctx, period, portaldb.SlotOpens, now); err != nil || n != 0 {
			b.Fatalf("%d jobs, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/replan")
}
