package demo

import (
	"context"
	"fmt"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/portaldb"
)

// Load fills an empty database with the demo data for the day now and
// reports whether it did; a database that already has customers is left
// alone, so a demo user's readings survive a restart.
func Load(ctx context.Context, db *portaldb.DB, now time.Time) (bool, error) {
	empty, err := db.IsEmpty(ctx)
	if err != nil || !empty {
		return false, err
	}
	seed, err := Build(now, auth.HashPassword)
	if err != nil {
		return false, fmt.Errorf("demo data: %w", err)
	}
	if err := db.LoadSeed(ctx, seed); err != nil {
		return false, fmt.Errorf("demo data: %w", err)
	}
	return true, nil
}
