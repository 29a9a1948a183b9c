package demo

import (
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// world is what every demo customer is built from.
type world struct {
	today   domain.Date
	tariffs []domain.Tariff
}

// winter is how a flat's consumption follows the year in Komi, in percent
// of the yearly mean: long dark winters, light summer nights.
var winter = [12]int64{125, 120, 110, 95, 85, 78, 75, 80, 90, 102, 115, 125}

func seasonal(mean int64, pct [12]int64) [12]int64 {
	var out [12]int64
	for i, p := range pct {
		out[i] = mean * p / 100
	}
	return out
}

// Payment channels of households.
const (
	chSberbank = "Сбербанк Онлайн"
	chPost     = "Почта России"
	chOffice   = "Касса офиса"
	chSBP      = "СБП по QR-коду"
	chOrder    = "Платёжное поручение"
)

const electricity = "Электроснабжение"

// yearsAgo returns the day n years and d days before today.
func (w *world) yearsAgo(n, d int) domain.Date { return w.today.AddYears(-n).AddDays(-d) }

// openedBefore returns the first day of the month ago months back, less d
// days: an account opened a little before its history starts.
func (w *world) openedBefore(ago, d int) domain.Date {
	return w.today.Period().AddMonths(-ago).First().AddDays(-d)
}

func service(tariffID string, since domain.Date) []domain.Service {
	return []domain.Service{{Name: electricity, Unit: "кВт·ч", TariffID: tariffID, Since: since}}
}

// ivanova is 100001: a pensioner in a flat with a single-rate meter, the
// account the README walks through.
func (w *world) ivanova() (portaldb.SeedCustomer, error) {
	c := portaldb.SeedCustomer{Customer: domain.Customer{
		Number:    "100001",
		Kind:      domain.Individual,
		FullName:  "Иванова Мария Петровна",
		BirthDate: domain.Date{Year: 1948, Month: time.March, Day: 14},
		Phone:     "+79121234501",
		Email:     "ivanova.mp@example.com",
	}}
	opened := w.yearsAgo(17, 40)
	acc := portaldb.SeedAccount{
		Account: domain.Account{
			Number:         "1100012345",
			ContractNumber: "ЭС-100001",
			Title:          "Квартира",
			Address:        "167000, Республика Коми, г. Сыктывкар, ул. Карла Маркса, д. 197, кв. 14",
			Residents:      2,
			Area:           4860,
			TariffGroup:    domain.GroupCity,
			OpenedOn:       opened,
		},
		Services:       service(tariffCity1, opened),
		ContractValues: domain.ContractValues{Residents: 2, NormPerResident: 9500},
		Subscriptions:  domain.Subscriptions{SMSReminders: true},
	}
	verified := w.yearsAgo(7, 95)
	m := meterPlan{meter: domain.Meter{
		Serial: "35087264", Model: "Меркурий 201.8", Place: "Лестничная площадка, этажный щит",
		InstalledOn: verified.AddDays(12), Digits: 6, FractionDigits: 1,
		VerifiedOn: verified, VerificationYears: 16,
	}, start: 18234_50}
	h := history{
		tariff:    tariffByID(w.tariffs, tariffCity1),
		months:    36,
		profile:   seasonal(196, winter),
		noise:     60,
		shares:    []int64{100},
		source:    domain.SourceCustomer,
		estimated: []int{15, 27},
		inspector: []int{4, 16, 29},
		unpaid:    8,
		recalc: &recalculation{ago: 3, forAgo: 4, volume: 2400,
			reason: "Перерасчёт по показаниям контролёра за %s"},
		channels: []channel{{chPost, 4}, {chOffice, 3}, {chSberbank, 3}},
		roundUp:  20,
		dueDay:   10,
		service:  electricity,
		seed:     100001,
	}
	if err := h.fill(&acc, []meterPlan{m}, w.today); err != nil {
		return c, err
	}
	c.Accounts = []portaldb.SeedAccount{acc}
	c.Questions = []domain.Question{
		{
			Account: acc.Number,
			Topic:   "Показания",
			Text:    "Я всегда передаю показания вовремя, а в одном счёте объём указан как расчётный. Почему так?",
			Answer: "Мария Петровна, в том месяце показания счётчика к нам не поступили до 25 числа, поэтому объём " +
				"начислен по среднему расходу за последние месяцы. Когда пришли следующие показания, разница " +
				"учтена автоматически, переплаты нет. Передавайте показания с 18 по 25 число — в личном кабинете " +
				"или по телефону 8 800 200-83-05.",
		},
		{
			Account: acc.Number,
			Topic:   "Оплата",
			Text:    "Можно ли оплатить электроэнергию сразу за несколько месяцев вперёд?",
		},
	}
	return c, nil
}

// kuznetsov is 100002: a family with a day/night meter who get their bills
// by e-mail.
func (w *world) kuznetsov() (portaldb.SeedCustomer, error) {
	c := portaldb.SeedCustomer{Customer: domain.Customer{
		Number:    "100002",
		Kind:      domain.Individual,
		FullName:  "Кузнецов Алексей Николаевич",
		BirthDate: domain.Date{Year: 1979, Month: time.September, Day: 2},
		Phone:     "+79121234502",
		Email:     "kuznetsov.an@example.com",
	}}
	opened := w.yearsAgo(11, 200)
	acc := portaldb.SeedAccount{
		Account: domain.Account{
			Number:         "1100023456",
			ContractNumber: "ЭС-100002",
			Title:          "Квартира",
			Address:        "167001, Республика Коми, г. Сыктывкар, ул. Коммунистическая, д. 52, кв. 87",
			Residents:      3,
			Area:           6420,
			TariffGroup:    domain.GroupCity,
			OpenedOn:       opened,
		},
		Services:       service(tariffCity2, opened),
		ContractValues: domain.ContractValues{Residents: 3, NormPerResident: 7600},
		Subscriptions:  domain.Subscriptions{EmailBills: true, Email: "kuznetsov.an@example.com", SMSReminders: true},
	}
	verified := w.yearsAgo(5, 30)
	m := meterPlan{meter: domain.Meter{
		Serial: "012457896", Model: "Нева МТ 114 AS OP", Place: "Прихожая, у входной двери",
		InstalledOn: verified.AddDays(21), Digits: 6, FractionDigits: 1,
		VerifiedOn: verified, VerificationYears: 16,
	}, start: 9876_40}
	h := history{
		tariff:    tariffByID(w.tariffs, tariffCity2),
		months:    36,
		profile:   seasonal(265, winter),
		noise:     70,
		shares:    []int64{65, 35},
		source:    domain.SourceCustomer,
		estimated: []int{21},
		inspector: []int{11, 30},
		channels:  []channel{{chSberbank, 6}, {chSBP, 3}, {chOffice, 1}},
		roundUp:   10,
		dueDay:    10,
		service:   electricity,
		seed:      100002,
	}
	if err := h.fill(&acc, []meterPlan{m}, w.today); err != nil {
		return c, err
	}
	c.Accounts = []portaldb.SeedAccount{acc}
	c.Questions = []domain.Question{{
		Account: acc.Number,
		Topic:   "Счета",
		Text:    "Счёт по электронной почте приходит, а бумажная квитанция в почтовом ящике тоже есть. Можно отказаться от бумажной?",
	}}
	return c, nil
}

// popova is 100003: a flat in a house with electric stoves, a three-zone
// meter whose verification falls due in two months.
func (w *world) popova() (portaldb.SeedCustomer, error) {
	c := portaldb.SeedCustomer{Customer: domain.Customer{
		Number:    "100003",
		Kind:      domain.Individual,
		FullName:  "Попова Елена Викторовна",
		BirthDate: domain.Date{Year: 1986, Month: time.June, Day: 21},
		Phone:     "+79121234503",
		Email:     "popova.ev@example.com",
	}}
	const months = 24
	opened := w.openedBefore(months, 9)
	acc := portaldb.SeedAccount{
		Account: domain.Account{
			Number:         "1100034567",
			ContractNumber: "ЭС-100003",
			Title:          "Квартира",
			Address:        "167026, Республика Коми, г. Сыктывкар, ул. Петрозаводская, д. 47, кв. 112",
			Residents:      4,
			Area:           7150,
			TariffGroup:    domain.GroupElectricStove,
			OpenedOn:       opened,
		},
		Services:       service(tariffStove3, opened),
		ContractValues: domain.ContractValues{Residents: 4, NormPerResident: 8900},
		Subscriptions:  domain.Subscriptions{SMSReminders: true},
	}
	// The verification falls due two months from today: the portal should
	// remind about it.
	due := w.today.Period().AddMonths(2)
	next := domain.Date{Year: due.Year, Month: due.Month, Day: min(w.today.Day, 28)}
	verified := next.AddYears(-16)
	m := meterPlan{meter: domain.Meter{
		Serial: "009217734120563", Model: "Энергомера CE102M S7 145-JV", Place: "Кухня, щиток у входа",
		InstalledOn: verified.AddDays(34), Digits: 6, FractionDigits: 1,
		VerifiedOn: verified, VerificationYears: 16,
	}, start: 41327_80}
	h := history{
		tariff:    tariffByID(w.tariffs, tariffStove3),
		months:    months,
		profile:   seasonal(385, winter),
		noise:     60,
		shares:    []int64{24, 46, 30},
		source:    domain.SourceCustomer,
		estimated: []int{9},
		inspector: []int{14},
		channels:  []channel{{chSberbank, 5}, {chSBP, 4}, {chOffice, 1}},
		roundUp:   15,
		dueDay:    10,
		service:   electricity,
		seed:      100003,
	}
	if err := h.fill(&acc, []meterPlan{m}, w.today); err != nil {
		return c, err
	}
	c.Accounts = []portaldb.SeedAccount{acc}
	return c, nil
}

// dacha is how a summer house in Komi uses electricity: pumps, a sauna and
// long evenings in summer, a light on a timer in winter.
var dacha = [12]int64{22, 20, 24, 38, 130, 255, 300, 280, 150, 45, 24, 26}

// lytkin is 100004: a flat in town and a dacha in the country, where the
// old meter was replaced a year ago.
func (w *world) lytkin() (portaldb.SeedCustomer, error) {
	c := portaldb.SeedCustomer{Customer: domain.Customer{
		Number:    "100004",
		Kind:      domain.Individual,
		FullName:  "Лыткин Виктор Семёнович",
		BirthDate: domain.Date{Year: 1956, Month: time.November, Day: 7},
		Phone:     "+79121234504",
		Email:     "lytkin.vs@example.com",
	}}
	flatOpened := w.yearsAgo(22, 150)
	flat := portaldb.SeedAccount{
		Account: domain.Account{
			Number:         "1100045678",
			ContractNumber: "ЭС-100004",
			Title:          "Квартира",
			Address:        "167000, Республика Коми, г. Сыктывкар, ул. Интернациональная, д. 160, кв. 5",
			Residents:      2,
			Area:           5230,
			TariffGroup:    domain.GroupCity,
			OpenedOn:       flatOpened,
		},
		Services:       service(tariffCity1, flatOpened),
		ContractValues: domain.ContractValues{Residents: 2, NormPerResident: 9500},
		Subscriptions:  domain.Subscriptions{},
	}
	flatVerified := w.yearsAgo(9, 61)
	flatMeter := meterPlan{meter: domain.Meter{
		Serial: "21456789", Model: "Меркурий 201.5", Place: "Прихожая",
		InstalledOn: flatVerified.AddDays(15), Digits: 6, FractionDigits: 1,
		VerifiedOn: flatVerified, VerificationYears: 16,
	}, start: 52118_30}
	fh := history{
		tariff:    tariffByID(w.tariffs, tariffCity1),
		months:    36,
		profile:   seasonal(172, winter),
		noise:     60,
		shares:    []int64{100},
		source:    domain.SourceCustomer,
		estimated: []int{6},
		inspector: []int{19},
		channels:  []channel{{chSberbank, 5}, {chOffice, 3}, {chPost, 2}},
		roundUp:   25,
		dueDay:    10,
		service:   electricity,
		seed:      1000041,
	}
	if err := fh.fill(&flat, []meterPlan{flatMeter}, w.today); err != nil {
		return c, err
	}

	dachaOpened := w.yearsAgo(26, 80)
	country := portaldb.SeedAccount{
		Account: domain.Account{
			Number:         "1100045679",
			ContractNumber: "ЭС-100004/2",
			Title:          "Дача",
			Address:        "168220, Республика Коми, Сыктывдинский район, с. Выльгорт, СНТ «Рябинка», участок 48",
			Residents:      0,
			Area:           3600,
			TariffGroup:    domain.GroupRural,
			OpenedOn:       dachaOpened,
		},
		Services:      service(tariffRural1, dachaOpened),
		Subscriptions: domain.Subscriptions{SMSReminders: true},
	}
	// The old induction meter was replaced when its verification ran out.
	const replacedAgo, replacedDay = 12, 14
	replaced := w.today.Period().AddMonths(-replacedAgo)
	oldVerified := replaced.First().AddDays(replacedDay - 5).AddYears(-16)
	oldMeter := meterPlan{meter: domain.Meter{
		Serial: "1873452", Model: "СО-505", Place: "Столб у калитки",
		InstalledOn: oldVerified.AddDays(40), Digits: 5, FractionDigits: 1,
		VerifiedOn: oldVerified, VerificationYears: 16,
	}, start: 23456_70}
	newVerified := replaced.First().AddDays(-75)
	newMeter := meterPlan{meter: domain.Meter{
		Serial: "46231987", Model: "Меркурий 201.8", Place: "Щит учёта на столбе у калитки",
		Digits: 6, FractionDigits: 1,
		VerifiedOn: newVerified, VerificationYears: 16,
	}, start: 0}
	dh := history{
		tariff:    tariffByID(w.tariffs, tariffRural1),
		months:    36,
		profile:   dacha,
		noise:     120,
		shares:    []int64{100},
		source:    domain.SourceCustomer,
		estimated: []int{22, 34},
		inspector: []int{25},
		replace:   &replacement{ago: replacedAgo, day: replacedDay},
		channels:  []channel{{chSberbank, 5}, {chOffice, 3}, {chPost, 2}},
		roundUp:   25,
		dueDay:    10,
		service:   electricity,
		seed:      1000042,
	}
	if err := dh.fill(&country, []meterPlan{oldMeter, newMeter}, w.today); err != nil {
		return c, err
	}
	c.Accounts = []portaldb.SeedAccount{flat, country}
	c.Questions = []domain.Question{{
		Account: country.Number,
		Topic:   "Приборы учёта",
		Text:    "На даче заменили счётчик, а в личном кабинете виден и старый. Показания какого счётчика передавать?",
		Answer: "Виктор Семёнович, старый счётчик СО-505 снят, у него истёк срок поверки. Он остаётся в личном " +
			"кабинете только для истории. Передавайте показания нового счётчика Меркурий 201.8 — он отмечен как " +
			"действующий. Начальное показание нового счётчика при установке — 0,0.",
	}}
	return c, nil
}

// bakery is 200001: a legal entity with two points of supply.
func (w *world) bakery() (portaldb.SeedCustomer, error) {
	c := portaldb.SeedCustomer{Customer: domain.Customer{
		Number:   "200001",
		Kind:     domain.LegalEntity,
		FullName: "ООО «Северный хлеб»",
		INN:      "1101045673",
		Phone:    "+79121234510",
		Email:    "buh@severny-hleb.example.com",
	}}
	bakeryProfile := seasonal(14200, [12]int64{104, 100, 100, 97, 96, 94, 93, 95, 99, 102, 106, 114})
	shopProfile := seasonal(3800, [12]int64{100, 96, 95, 94, 98, 106, 112, 110, 98, 96, 97, 104})
	type point struct {
		number, contract, title, address, supply string
		capacity                                 domain.Decimal
		voltage                                  string
		profile                                  [12]int64
		meter                                    meterPlan
		source                                   domain.ReadingSource
		opened                                   domain.Date
		seed                                     uint64
	}
	points := []point{
		{
			number: "2200010001", contract: "ЭСК-0417/15", title: "Пекарня",
			address: "167000, Республика Коми, г. Сыктывкар, ул. Первомайская, д. 12",
			supply:  "Пекарня, ул. Первомайская, 12", capacity: 15000, voltage: "СН-2", profile: bakeryProfile,
			meter: meterPlan{meter: domain.Meter{
				Serial: "30125478", Model: "Меркурий 230 ART-03 PQRSIN", Place: "ТП-112, ячейка ввода 0,4 кВ",
				InstalledOn: w.yearsAgo(3, 50), Digits: 6, FractionDigits: 2,
				VerifiedOn: w.yearsAgo(3, 80), VerificationYears: 10,
			}, start: 187654_32},
			source: domain.SourceAutomatic, opened: w.yearsAgo(11, 20), seed: 2000011,
		},
		{
			number: "2200010002", contract: "ЭСК-1122/19", title: "Магазин",
			address: "167000, Республика Коми, г. Сыктывкар, Октябрьский пр-т, д. 55",
			supply:  "Магазин, Октябрьский пр-т, 55", capacity: 3000, voltage: "НН", profile: shopProfile,
			meter: meterPlan{meter: domain.Meter{
				Serial: "30987123", Model: "Меркурий 230 ART-01 CN", Place: "ВРУ-0,4 кВ магазина",
				InstalledOn: w.yearsAgo(6, 10), Digits: 6, FractionDigits: 2,
				VerifiedOn: w.yearsAgo(6, 45), VerificationYears: 10,
			}, start: 45210_55},
			source: domain.SourceCustomer, opened: w.yearsAgo(6, 12), seed: 2000012,
		},
	}
	for _, p := range points {
		cv := domain.ContractValues{
			MaxCapacityKW: p.capacity,
			VoltageLevel:  p.voltage,
			PriceCategory: "первая ценовая категория",
		}
		for m := time.January; m <= time.December; m++ {
			cv.MonthlyVolumes = append(cv.MonthlyVolumes, domain.ContractVolume{
				Period: domain.Period{Year: w.today.Year, Month: m},
				Volume: domain.DecimalFromInt(p.profile[m-1] / 100 * 100),
			})
		}
		acc := portaldb.SeedAccount{
			Account: domain.Account{
				Number:         p.number,
				ContractNumber: p.contract,
				Title:          p.title,
				Address:        p.address,
				PointOfSupply:  p.supply,
				OpenedOn:       p.opened,
			},
			Services:       []domain.Service{{Name: "Электроэнергия", Unit: "кВт·ч", TariffID: tariffLegal1, Since: p.opened}},
			ContractValues: cv,
			Subscriptions:  domain.Subscriptions{EmailBills: true, Email: c.Email},
		}
		h := history{
			tariff:   tariffByID(w.tariffs, tariffLegal1),
			months:   36,
			profile:  p.profile,
			noise:    50,
			shares:   []int64{100},
			source:   p.source,
			channels: []channel{{chOrder, 1}},
			dueDay:   18,
			service:  "Электроэнергия",
			seed:     p.seed,
		}
		if err := h.fill(&acc, []meterPlan{p.meter}, w.today); err != nil {
			return c, err
		}
		c.Accounts = append(c.Accounts, acc)
	}
	c.Questions = []domain.Question{{
		Account: "2200010001",
		Topic:   "Договор",
		Text:    "Просим увеличить максимальную мощность по пекарне до 200 кВт в связи с установкой второй печи. Какие документы нужны?",
		Answer: "Для увеличения максимальной мощности подайте заявку на технологическое присоединение в сетевую " +
			"организацию (ПАО «Россети Северо-Запад», филиал «Комиэнерго»). После выполнения технических условий " +
			"пришлите нам акт об осуществлении технологического присоединения — мы внесём изменения в договор.",
	}}
	return c, nil
}
