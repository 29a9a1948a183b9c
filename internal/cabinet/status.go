package cabinet

import (
	"sort"
	"time"

	"kabinet/internal/domain"
)

// verificationSoon is how far ahead a meter's verification is announced.
const verificationSoon = 90 // days

// AccountOverview is one account at a glance, from the stored data.
type AccountOverview struct {
	Number string
	// HasData is false until the account's data were first received; the
	// fields below are then empty.
	HasData        bool
	Title, Address string
	Balance        domain.Balance
	// Meters are the meters in service.
	Meters []domain.Meter
	// VerifySoon are those whose verification is due within 90 days.
	VerifySoon []domain.Meter
	// Window is the reading window of the first meter in service.
	Window domain.WindowState
	// FreshAt is when the data were last known to be current.
	FreshAt time.Time
}

// Overview lists the customer's accounts, sorted by number, as last
// received (it works offline).
func (s *Service) Overview() ([]AccountOverview, error) {
	list, err := s.Accounts()
	if err != nil {
		return nil, err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Number < list[j].Number })
	today := domain.DateOf(s.cfg.Now(), domain.Moscow)
	out := make([]AccountOverview, 0, len(list))
	for _, a := range list {
		o := AccountOverview{Number: a.Number}
		doc, ok, err := s.st().Document(s.profile(), a.Number)
		if err != nil {
			return nil, err
		}
		if ok {
			d := &doc.Doc
			o.HasData, o.Balance, o.FreshAt = true, d.Balance, s.FreshAt(a.Number)
			if d.Account != nil {
				o.Title, o.Address = d.Account.Title, d.Account.Address
			}
			for _, m := range d.Meters {
				if !m.Active() {
					continue
				}
				if len(o.Meters) == 0 {
					o.Window = m.Window
				}
				o.Meters = append(o.Meters, m)
				if nv := m.NextVerification; !nv.IsZero() && today.DaysUntil(nv) <= verificationSoon {
					o.VerifySoon = append(o.VerifySoon, m)
				}
			}
		}
		out = append(out, o)
	}
	return out, nil
}
