package domain

import (
	"fmt"
	"time"
)

// JumpFactor is how many times the usual monthly consumption a new reading
// may show before the person is asked to confirm it: a slip of one digit is
// far more common than a tenfold bill.
const JumpFactor = 3

// maxReadingAge is how old a reading's date may be: an older value does not
// describe this month.
const maxReadingAge = 31

// Submission is a reading exactly as a person entered it.
type Submission struct {
	// Values holds, per zone, the text typed into the field.
	Values map[Zone]string
	// TakenOn is the day the values were read off the meter; zero means
	// today.
	TakenOn Date
	// Confirm is the person's yes to «это правда» after a rollover or an
	// unusually large consumption was pointed out.
	Confirm bool
}

// Assessment is a reading that passed the rules, with what it means.
type Assessment struct {
	Period  Period
	TakenOn Date
	Values  map[Zone]Decimal
	// Consumption is the month's, counted from From: when the reading
	// replaces an earlier one of its month, it is not the step from that
	// one but everything since the last accepted reading of an earlier
	// month.
	Consumption map[Zone]Decimal
	Rollover    map[Zone]bool
	Total       Decimal
	// From holds the values the consumption is counted from, FromDate
	// the day they were taken (zero when not known).
	From     map[Zone]Decimal
	FromDate Date
	// Replaces is the reading of the same month this one replaces; nil
	// when it is the month's first.
	Replaces *Reading
}

// ReplacesOn is the day the reading this one replaces was sent (or, for
// one still queued, taken); zero when it replaces none.
func (a Assessment) ReplacesOn() Date {
	if a.Replaces == nil {
		return Date{}
	}
	return a.Replaces.SubmittedOn()
}

// CheckReading applies every rule a new reading of meter m must pass at now
// (the supplier's clock, never the customer's) within window w. The meter's
// zones carry the last accepted values. The error is a *Error whose Code the
// caller can act on; CodeNeedsConfirmation is the one a person can overrule
// by resubmitting with Confirm.
func CheckReading(m *Meter, s Submission, now time.Time, w SubmissionWindow) (Assessment, error) {
	if !m.Active() {
		e := Errorf(CodeMeterRemoved, "Счётчик %s снят %s. Передавайте показания нового счётчика.", m.Serial, m.RemovedOn.Russian()).
			WithParam("serial", m.Serial).WithParam("removed_on", m.RemovedOn.String())
		if m.ReplacedBy != "" {
			e = e.WithParam("replaced_by", m.ReplacedBy)
		}
		return Assessment{}, e
	}
	if err := w.Check(now); err != nil {
		return Assessment{}, err
	}
	today := DateOf(now, w.loc())
	a := Assessment{
		Period:      today.Period(),
		TakenOn:     s.TakenOn,
		Values:      make(map[Zone]Decimal, len(m.Zones)),
		Consumption: make(map[Zone]Decimal, len(m.Zones)),
		From:        make(map[Zone]Decimal, len(m.Zones)),
	}
	// From here on the meter's last values are the month's starting
	// point: a reading replacing the month's first is checked, counted
	// and compared with the average as the month's only one.
	base := m.BaselineFor(a.Period)
	mm := *m
	mm.Zones = base.Zones
	m = &mm
	a.Replaces = base.Replaces
	for _, z := range m.Zones {
		a.From[z.Code] = z.LastValue
		if z.LastDate.After(a.FromDate) {
			a.FromDate = z.LastDate
		}
	}
	if a.TakenOn.IsZero() {
		a.TakenOn = today
	}
	for z := range s.Values {
		if !hasZone(m, z) {
			return Assessment{}, (&Error{Code: CodeZoneMismatch,
				Message: fmt.Sprintf("У счётчика %s нет такой шкалы. Введите только показания, которые видно на его табло.", m.Serial),
				Params:  map[string]string{"serial": m.Serial}}).WithField(string(z))
		}
	}
	if err := checkTakenOn(m, a.TakenOn, today); err != nil {
		return Assessment{}, err
	}
	// Parse every zone before comparing, so a typo is reported before a
	// comparison that the typo would make meaningless.
	for _, zone := range m.Zones {
		text, ok := s.Values[zone.Code]
		if !ok {
			return Assessment{}, (&Error{Code: CodeEmpty,
				Message: fmt.Sprintf("Введите показание шкалы «%s» — у этого счётчика их нужно передавать вместе.", ZoneName(zone.Code, len(m.Zones))),
				Params:  map[string]string{"zone_name": ZoneName(zone.Code, len(m.Zones))}}).WithField(string(zone.Code))
		}
		v, err := ParseReading(text, m.Digits, m.FractionDigits)
		if err != nil {
			return Assessment{}, err.(*Error).WithField(string(zone.Code))
		}
		a.Values[zone.Code] = v
	}
	var needRollover []string
	var rolled map[string]string // the first zone that rolled over
	for _, zone := range m.Zones {
		v := a.Values[zone.Code]
		if v >= zone.LastValue {
			a.Consumption[zone.Code] = v - zone.LastValue
			a.Total += v - zone.LastValue
			continue
		}
		if !plausibleRollover(zone.LastValue, v, m.Digits) {
			return Assessment{}, lowerThanPrevious(m, zone)
		}
		used := registerSpan(m.Digits) - zone.LastValue + v
		if a.Rollover == nil {
			a.Rollover = map[Zone]bool{}
		}
		a.Rollover[zone.Code] = true
		a.Consumption[zone.Code] = used
		a.Total += used
		needRollover = append(needRollover, fmt.Sprintf("было %s, стало %s", zone.LastValue.Format(m.FractionDigits), v.Format(m.FractionDigits)))
		if rolled == nil {
			rolled = map[string]string{"reason": "rollover", "previous": zone.LastValue.String(), "value": v.String()}
		}
	}
	if s.Confirm {
		return a, nil
	}
	if len(needRollover) > 0 {
		return Assessment{}, &Error{Code: CodeNeedsConfirmation,
			Message: fmt.Sprintf("Новое показание меньше прошлого (%s). Так бывает, только если счётчик дошёл до конца шкалы и начал счёт с нуля. Если это так — подтвердите; если нет — проверьте цифры.", needRollover[0]),
			Params:  rolled}
	}
	if expected := expectedConsumption(m, a.TakenOn); expected > 0 && a.Total > JumpFactor*expected {
		return Assessment{}, jump(m, a)
	}
	return a, nil
}

// jump asks to confirm a consumption far above the usual. A reading that
// replaces the month's first is asked about the month's consumption, so
// several small steps are asked about as one big step would be.
func jump(m *Meter, a Assessment) *Error {
	used := FormatKWh(a.Total, m.FractionDigits)
	msg := fmt.Sprintf("Расход получился %s кВт·ч", used)
	params := map[string]string{"reason": "jump", "consumption": a.Total.String(), "average_monthly": m.AverageMonthly.String()}
	if a.Replaces != nil {
		on := a.ReplacesOn()
		msg = fmt.Sprintf("Расход за месяц получился %s кВт·ч (новое показание заменит показания, переданные %s)", used, on.DayMonth())
		params["replaces_date"] = on.String()
	}
	return &Error{Code: CodeNeedsConfirmation,
		Message: msg + fmt.Sprintf(" — намного больше обычного (около %s кВт·ч в месяц). Проверьте, нет ли лишней цифры. Если всё верно — подтвердите.", m.AverageMonthly.Format(0)),
		Params:  params}
}

func hasZone(m *Meter, z Zone) bool {
	for _, mz := range m.Zones {
		if mz.Code == z {
			return true
		}
	}
	return false
}

func checkTakenOn(m *Meter, taken, today Date) error {
	if taken.After(today) {
		return (&Error{Code: CodeTakenInFuture,
			Message: fmt.Sprintf("Дата снятия показаний (%s) ещё не наступила. Укажите сегодняшнюю дату или день, когда вы смотрели на счётчик.", taken.Russian()),
			Params:  map[string]string{"taken_on": taken.String()}}).WithField("taken_on")
	}
	earliest := today.AddDays(-maxReadingAge)
	for _, z := range m.Zones {
		if z.LastDate.After(earliest) {
			earliest = z.LastDate
		}
	}
	if taken.Before(earliest) {
		return (&Error{Code: CodeTakenTooEarly,
			Message: fmt.Sprintf("Показание снято слишком давно (%s). Посмотрите на счётчик сегодня и введите то, что он показывает.", taken.Russian()),
			Params:  map[string]string{"earliest": earliest.String(), "taken_on": taken.String()}}).WithField("taken_on")
	}
	return nil
}

func lowerThanPrevious(m *Meter, z MeterZone) *Error {
	prev := z.LastValue.Format(m.FractionDigits)
	msg := fmt.Sprintf("Показание меньше прошлого (%s", prev)
	if !z.LastDate.IsZero() {
		msg += " от " + z.LastDate.Russian()
	}
	msg += "). Показания счётчика не уменьшаются: проверьте, все ли цифры вы переписали с табло. Если счётчик заменили, позвоните в контакт-центр."
	return &Error{Code: CodeLowerThanPrevious, Message: msg, Field: string(z.Code),
		Params: map[string]string{"previous": z.LastValue.String(), "previous_date": z.LastDate.String()}}
}

// registerSpan is the value at which a register of digits whole digits
// wraps to zero.
func registerSpan(digits int) Decimal {
	span := int64(1)
	for range digits {
		span *= 10
	}
	return Decimal(span * DecimalScale)
}

// plausibleRollover reports whether going from prev to next can be the
// register passing its maximum: prev in the top tenth of the scale and next
// in the bottom tenth.
func plausibleRollover(prev, next Decimal, digits int) bool {
	if digits <= 0 || digits > 12 {
		return false
	}
	span := registerSpan(digits)
	return prev >= span-span/10 && next < span/10
}

// expectedConsumption is the usual consumption between the meter's last
// reading and taken: the monthly average times the months between them
// (at least one).
func expectedConsumption(m *Meter, taken Date) Decimal {
	if m.AverageMonthly <= 0 {
		return 0
	}
	var last Date
	for _, z := range m.Zones {
		if z.LastDate.After(last) {
			last = z.LastDate
		}
	}
	months := 1
	if !last.IsZero() {
		months = max(1, (last.DaysUntil(taken)+15)/30)
	}
	return m.AverageMonthly * Decimal(months)
}
