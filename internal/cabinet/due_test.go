package cabinet_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portaltest"
	"kabinet/internal/tokens"
)

// A meter without this month's reading is due while the window is open; a
// reading typed without a connection makes it «waiting to be sent», not
// due; once the portal accepted it, nothing is due for that meter.
func TestReadingsDueFollowsTheMeterUntilItsReadingArrives(t *testing.T) {
	p := portaltest.Start(t)
	dir := t.TempDir()
	svc := openLoggedIn(t, cabinet.Config{Portal: p.URL, StorePath: filepath.Join(dir, "store.db"), Keeper: tokens.NewMemory(),
		Devices: tokens.NewDeviceFile(filepath.Join(dir, "device-tokens.json")), Foreground: true})
	due, err := svc.ReadingsDue()
	if err != nil {
		t.Fatal(err)
	}
	// The demo portal's window is every day of the month.
	today := domain.DateOf(time.Now(), domain.Moscow)
	last := today.Period().Last()
	if !due.Open || due.End != last || due.DaysLeft != today.DaysUntil(last)+1 {
		t.Fatalf("window open %v until %v, %d days left; want open until %v", due.Open, due.End, due.DaysLeft, last)
	}
	if !due.Any() {
		t.Fatal("no meter is due, but the demo customer has not sent this month's readings")
	}
	first := due.Missing[0]
	m := first.Meter
	values := map[domain.Zone]string{}
	for _, z := range m.Zones {
		values[z.Code] = text(z.LastValue+domain.DecimalFromInt(10), m.FractionDigits)
	}
	if _, err := svc.QueueReading(first.Account, m.ID, values, true); err != nil {
		t.Fatal(err)
	}
	due, _ = svc.ReadingsDue()
	if isDue(due.Missing, m.ID) || !isDue(due.Queued, m.ID) {
		t.Fatalf("a reading waiting on this computer: missing %v, queued %v", due.Missing, due.Queued)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	due, _ = svc.ReadingsDue()
	if isDue(due.Missing, m.ID) || isDue(due.Queued, m.ID) {
		t.Fatalf("the portal accepted the reading, still due: missing %v, queued %v", due.Missing, due.Queued)
	}
}

func isDue(list []cabinet.DueMeter, meterID string) bool {
	for _, d := range list {
		if d.Meter.ID == meterID {
			return true
		}
	}
	return false
}
