// Package demo invents the data set the portal runs with in demo mode: five
// customers of «Коми энергосбытовая компания» with three years of readings,
// bills and payments, the tariffs, the supplier's bank details and the
// public pages (news, offices, frequent questions).
//
// Everything is dated relative to the moment the data set is built, so the
// history always ends with the previous month: the current month's reading
// is the one a visitor sends. The data is deterministic for a given moment.
package demo

import (
	"fmt"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// Password is the password of every demo customer.
const Password = "demo12345"

// Customers lists the demo customers for the README and the login screen.
var Customers = []struct{ Number, Description string }{
	{"100001", "Иванова Мария Петровна: квартира в Сыктывкаре, однотарифный счётчик, история за 3 года, один неоплаченный месяц с пени"},
	{"100002", "Кузнецов Алексей Николаевич: двухтарифный счётчик (день/ночь), счета приходят на электронную почту"},
	{"100003", "Попова Елена Викторовна: дом с электроплитами, трёхтарифный счётчик, скоро срок поверки"},
	{"100004", "Лыткин Виктор Семёнович: два лицевых счёта — квартира и дача, на даче заменён счётчик"},
	{"200001", "ООО «Северный хлеб»: юридическое лицо, два договора (пекарня и магазин), договорные значения"},
	{"300001", "Сидорова Анна Ивановна: квартира с историей за 10 лет (120 счетов)"},
}

// Build returns the demo data set as of now, with every customer's password
// hashed by hashPassword.
func Build(now time.Time, hashPassword func(string) (string, error)) (*portaldb.Seed, error) {
	today := domain.DateOf(now, domain.Moscow)
	// The prices go back as far as the longest history, customer 300001's.
	first := today.Period().AddMonths(-longYears * 12)
	w := &world{today: today, tariffs: buildTariffs(first.Year-1, lastJulyYear(today))}

	seed := &portaldb.Seed{
		Payee:   payee,
		Tariffs: w.tariffs,
		News:    w.news(),
		About:   aboutSections(),
		Offices: officeList(),
		FAQ:     questions(),
	}
	long := func() (portaldb.SeedCustomer, error) { return w.sidorova(longYears) }
	for _, build := range []func() (portaldb.SeedCustomer, error){w.ivanova, w.kuznetsov, w.popova, w.lytkin, w.bakery, long} {
		c, err := build()
		if err != nil {
			return nil, fmt.Errorf("demo customer %s: %w", c.Number, err)
		}
		if c.PasswordHash, err = hashPassword(Password); err != nil {
			return nil, fmt.Errorf("demo customer %s: hash password: %w", c.Number, err)
		}
		seed.Customers = append(seed.Customers, c)
	}
	return seed, nil
}
