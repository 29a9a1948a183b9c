package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// tariffRow is one line of a tariffs file: one price of a tariff.
type tariffRow struct {
	id, name  string
	zones     int
	group     domain.TariffGroup
	validFrom domain.Date
	tier      int
	upTo      int64
	zone      domain.Zone
	price     domain.Kopecks
}

var tariffSpec = &kindSpec{
	columns: []string{"id", "name", "zones", "group", "valid_from", "tier", "up_to_kwh", "zone", "price"},
	csv:     true,
	parse: func(r *record) any {
		t := tariffRow{
			id:        r.need("id", "код тарифа"),
			name:      r.need("name", "название тарифа"),
			zones:     r.integer("zones", "число зон", 1, 3, 0),
			group:     domain.TariffGroup(r.oneOf("group", "группа потребителей", "", "city", "rural", "electric_stove")),
			validFrom: r.date("valid_from", "с какого дня действует цена", true),
			tier:      r.integer("tier", "номер ступени объёма, с 1", 1, 9, 1),
			upTo:      int64(r.integer("up_to_kwh", "верхняя граница ступени, кВт·ч в месяц; 0 у последней", 0, 1_000_000_000, 0)),
			zone:      domain.Zone(r.oneOf("zone", "зона", "", "t1", "t2", "t3")),
			price:     domain.Kopecks(r.decimal("price", "цена за кВт·ч в рублях, например 5,67")),
		}
		if r.text("zones") == "" {
			r.fail("не указано поле zones (число зон тарифа, 1–3)")
		}
		if t.zone == "" {
			r.fail("не указано поле zone (t1, t2 или t3)")
		} else if t.zones > 0 && !slices.Contains(domain.ZonesFor(t.zones), t.zone) {
			r.fail("zone: %s — у тарифа с %d зонами есть только %v", t.zone, t.zones, domain.ZonesFor(t.zones))
		}
		if r.text("price") == "" {
			r.fail("не указано поле price (цена за кВт·ч в рублях)")
		}
		return t
	},
	key: func(v any) string {
		t := v.(tariffRow)
		return fmt.Sprintf("%s %s %d %s", t.id, t.validFrom, t.tier, t.zone)
	},
	dup:   "эта цена (тариф, дата, ступень, зона) уже есть в строке %d",
	whole: groupTariffs,
	apply: func(ctx context.Context, imp *portaldb.BillingImport, vals []any, _ *ImportReport) ([]portaldb.ImportResult, error) {
		return imp.Tariffs(ctx, values[domain.Tariff](vals))
	},
}

// groupTariffs makes tariffs of the price lines, checking that a tariff's
// lines agree and that each rate has a price for every zone of every tier.
func groupTariffs(items []*item) ([]*item, []LineProblem) {
	var out []*item
	var problems []LineProblem
	byID := map[string]int{}
	firstLine := map[string]int{}
	rateLine := map[string]int{}
	for _, it := range items {
		row := it.value.(tariffRow)
		i, ok := byID[row.id]
		if !ok {
			i = len(out)
			byID[row.id] = i
			firstLine[row.id] = it.line
			out = append(out, &item{it.line, domain.Tariff{ID: row.id, Name: row.name, Zones: row.zones, Group: row.group}})
		}
		t := out[i].value.(domain.Tariff)
		if t.Name != row.name || t.Zones != row.zones || t.Group != row.group {
			problems = append(problems, LineProblem{it.line, fmt.Sprintf("тариф %s: название, число зон и группа не такие, как в строке %d", row.id, firstLine[row.id])})
			continue
		}
		ri := slices.IndexFunc(t.Rates, func(r domain.Rate) bool { return r.ValidFrom == row.validFrom })
		if ri < 0 {
			ri = len(t.Rates)
			t.Rates = append(t.Rates, domain.Rate{ValidFrom: row.validFrom})
			rateLine[row.id+" "+row.validFrom.String()] = it.line
		}
		rate := &t.Rates[ri]
		for len(rate.Tiers) < row.tier {
			rate.Tiers = append(rate.Tiers, domain.Tier{UpTo: -1, Prices: map[domain.Zone]domain.Kopecks{}})
		}
		tier := &rate.Tiers[row.tier-1]
		if tier.UpTo >= 0 && tier.UpTo != row.upTo {
			problems = append(problems, LineProblem{it.line, fmt.Sprintf("тариф %s: у ступени %d разные границы up_to_kwh в разных строках", row.id, row.tier)})
		}
		tier.UpTo = row.upTo
		tier.Prices[row.zone] = row.price
		out[i].value = t
	}
	for _, u := range out {
		t := u.value.(domain.Tariff)
		slices.SortFunc(t.Rates, func(a, b domain.Rate) int { return a.ValidFrom.Compare(b.ValidFrom) })
		for _, rate := range t.Rates {
			line := rateLine[t.ID+" "+rate.ValidFrom.String()]
			for n, tier := range rate.Tiers {
				last := n == len(rate.Tiers)-1
				switch {
				case tier.UpTo < 0:
					problems = append(problems, LineProblem{line, fmt.Sprintf("тариф %s с %s: нет цен ступени %d", t.ID, rate.ValidFrom.Russian(), n+1)})
				case last && tier.UpTo != 0:
					problems = append(problems, LineProblem{line, fmt.Sprintf("тариф %s с %s: у последней ступени up_to_kwh пустое или 0", t.ID, rate.ValidFrom.Russian())})
				case !last && (tier.UpTo == 0 || n > 0 && tier.UpTo <= rate.Tiers[n-1].UpTo):
					problems = append(problems, LineProblem{line, fmt.Sprintf("тариф %s с %s: границы ступеней up_to_kwh должны расти", t.ID, rate.ValidFrom.Russian())})
				}
				for _, z := range domain.ZonesFor(t.Zones) {
					if _, ok := tier.Prices[z]; !ok && tier.UpTo >= 0 {
						problems = append(problems, LineProblem{line, fmt.Sprintf("тариф %s с %s: нет цены зоны %s ступени %d", t.ID, rate.ValidFrom.Russian(), z, n+1)})
					}
				}
			}
		}
		u.value = t
	}
	slices.SortStableFunc(problems, func(a, b LineProblem) int { return a.Line - b.Line })
	return out, problems
}

// onlinePaymentID finds our id of an online payment in a payment's purpose.
var onlinePaymentID = regexp.MustCompile(`pay_[0-9a-f]{24}`)

var paymentSpec = &kindSpec{
	columns: []string{"account", "paid_on", "amount", "channel", "reference", "provider_payment_id", "purpose"},
	csv:     true,
	parse: func(r *record) any {
		p := portaldb.BillingPayment{
			Account:           r.number("account", "номер лицевого счёта"),
			PaidOn:            r.date("paid_on", "дата оплаты", true),
			Amount:            r.money("amount", "сумма"),
			Channel:           r.text("channel"),
			Reference:         r.need("reference", "номер платежа в банке, свой у каждого платежа"),
			ProviderPaymentID: r.text("provider_payment_id"),
			OnlinePaymentID:   onlinePaymentID.FindString(r.text("purpose")),
		}
		if p.Channel == "" {
			p.Channel = "Банк"
		}
		return p
	},
	key: func(v any) string { return v.(portaldb.BillingPayment).Reference },
	dup: "платёж с этим номером (reference) уже есть в строке %d — одни и те же деньги не зачисляются дважды",
	apply: func(ctx context.Context, imp *portaldb.BillingImport, vals []any, _ *ImportReport) ([]portaldb.ImportResult, error) {
		out := make([]portaldb.ImportResult, len(vals))
		for i, v := range vals {
			var err error
			if out[i], err = imp.Payment(ctx, v.(portaldb.BillingPayment)); err != nil {
				return nil, err
			}
		}
		return out, nil
	},
}

var invoiceSpec = &kindSpec{
	columns: []string{"account", "invoice"},
	parse: func(r *record) any {
		e := IssuedInvoice{Account: r.number("account", "номер лицевого счёта")}
		raw := r.need("invoice", "счёт: объект JSON")
		if raw == "" {
			return e
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e.Invoice); err != nil {
			r.fail("invoice не читается как счёт: %v", err)
			return e
		}
		for _, p := range checkInvoice(e) {
			r.fail("%s", p)
		}
		return e
	},
	key: func(v any) string {
		e := v.(IssuedInvoice)
		return e.Account + " " + e.Invoice.Period.String()
	},
	dup: "счёт этого лицевого счёта за этот период уже есть в строке %d",
	apply: func(ctx context.Context, imp *portaldb.BillingImport, vals []any, rep *ImportReport) ([]portaldb.ImportResult, error) {
		out := make([]portaldb.ImportResult, len(vals))
		for i, v := range vals {
			e := v.(IssuedInvoice)
			res, letter, err := imp.Invoice(ctx, e.Account, e.Invoice)
			if err != nil {
				return nil, err
			}
			out[i] = res
			if letter {
				rep.Letters++
			}
		}
		return out, nil
	},
}
