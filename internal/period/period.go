// Package period parses, formats and generates DHIS2 ISO period
// identifiers ("20240115", "2024W3", "2024WedW3", "2024BiW1", "202401",
// "202401B", "2024Q1", "2024NovQ1", "2024S1", "2024AprilS1", "2024NovS1",
// "2024", "2024April", "2024July", "2024Oct", "2024Nov") on the ISO 8601
// calendar.
//
// The syntax and the date arithmetic follow dhis2-core's
// org.hisp.dhis.calendar.DateUnitType (accepted patterns),
// DateUnitPeriodTypeParser (start and end dates) and the getIsoDate methods
// of the PeriodType classes (canonical identifiers), branch 2.41. Notable
// rules taken from there:
//
//   - Weekly types use WeekFields.of(firstDayOfWeek, 4): week 1 is the week,
//     starting on the type's first day, that contains 4 January. A week
//     number that falls into the next year (2021W53) is invalid.
//   - BiWeekly n covers ISO weeks 2n-1 and 2n; it must start in the year.
//   - FinancialNov "2024Nov" runs from 1 November 2023 to 31 October 2024;
//     SixMonthlyNov "2024NovS1" from 1 November 2023 to 30 April 2024;
//     QuarterlyNov "2024NovQ1" from 1 November 2023 to 31 January 2024.
//     FinancialApril/July/Oct "2024April" start in the named year.
//   - Daily also accepts "2024-01-15" and Monthly "2024-01"; String
//     always gives the canonical compact form.
//
// Dates are civil dates; Start and End return midnight UTC of the first and
// of the last day (both inclusive).
package period

import (
	"fmt"
	"time"
)

// Type is a DHIS2 period type. The zero Type is invalid.
type Type uint8

// Period types, named as DHIS2 names them (PeriodTypeEnum).
const (
	Daily Type = iota + 1
	Weekly
	WeeklyWednesday
	WeeklyThursday
	WeeklySaturday
	WeeklySunday
	BiWeekly
	Monthly
	BiMonthly
	Quarterly
	QuarterlyNov
	SixMonthly
	SixMonthlyApril
	SixMonthlyNov
	Yearly
	FinancialApril
	FinancialJuly
	FinancialOct
	FinancialNov
	numTypes = FinancialNov
)

var typeNames = [...]string{
	Daily:           "Daily",
	Weekly:          "Weekly",
	WeeklyWednesday: "WeeklyWednesday",
	WeeklyThursday:  "WeeklyThursday",
	WeeklySaturday:  "WeeklySaturday",
	WeeklySunday:    "WeeklySunday",
	BiWeekly:        "BiWeekly",
	Monthly:         "Monthly",
	BiMonthly:       "BiMonthly",
	Quarterly:       "Quarterly",
	QuarterlyNov:    "QuarterlyNov",
	SixMonthly:      "SixMonthly",
	SixMonthlyApril: "SixMonthlyApril",
	SixMonthlyNov:   "SixMonthlyNov",
	Yearly:          "Yearly",
	FinancialApril:  "FinancialApril",
	FinancialJuly:   "FinancialJuly",
	FinancialOct:    "FinancialOct",
	FinancialNov:    "FinancialNov",
}

// String returns the DHIS2 name of t ("Monthly", "WeeklyWednesday", …), or
// "Type(n)" for an invalid type.
func (t Type) String() string {
	if t.Valid() {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Valid reports whether t is one of the defined period types.
func (t Type) Valid() bool { return t >= Daily && t <= numTypes }

// Types returns every period type, from the shortest to the longest.
func Types() []Type {
	out := make([]Type, 0, numTypes)
	for t := Daily; t <= numTypes; t++ {
		out = append(out, t)
	}
	return out
}

// ParseType returns the type with the given DHIS2 name. The match is case
// insensitive, like PeriodType.getByNameIgnoreCase.
func ParseType(name string) (Type, error) {
	for t := Daily; t <= numTypes; t++ {
		if equalFold(typeNames[t], name) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown period type %q: expected a DHIS2 name such as Monthly, Quarterly or WeeklyWednesday", name)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Period is one DHIS2 period: a type and an inclusive range of days. The
// zero Period is invalid (IsZero). Periods are comparable with ==.
type Period struct {
	typ   Type
	start int32 // days since 1970-01-01
	end   int32 // days since 1970-01-01, inclusive
}

// Type returns the period's type.
func (p Period) Type() Type { return p.typ }

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.typ == 0 }

// Start returns midnight UTC of the period's first day.
func (p Period) Start() time.Time { return dayTime(p.start) }

// End returns midnight UTC of the period's last day (inclusive).
func (p Period) End() time.Time { return dayTime(p.end) }

// StartDay returns the first day as a count of days since 1970-01-01.
func (p Period) StartDay() int32 { return p.start }

// EndDay returns the last day (inclusive) as a count of days since
// 1970-01-01.
func (p Period) EndDay() int32 { return p.end }

// Days returns the number of days in the period.
func (p Period) Days() int { return int(p.end-p.start) + 1 }

// Contains reports whether the calendar date of t (in t's location) lies
// within the period.
func (p Period) Contains(t time.Time) bool {
	d := dayOf(t)
	return !p.IsZero() && d >= p.start && d <= p.end
}

// ContainsPeriod reports whether q lies entirely within p.
func (p Period) ContainsPeriod(q Period) bool {
	return !p.IsZero() && !q.IsZero() && q.start >= p.start && q.end <= p.end
}

// Overlaps reports whether p and q share at least one day.
func (p Period) Overlaps(q Period) bool {
	return !p.IsZero() && !q.IsZero() && p.start <= q.end && q.start <= p.end
}

// Within reports whether the period lies entirely within the calendar
// dates of start and end (inclusive). This is how DHIS2 selects periods for
// dataValueSets?startDate=&endDate= (pe.startdate >= startDate and
// pe.enddate <= endDate in SpringDataValueSetStore).
func (p Period) Within(start, end time.Time) bool {
	return !p.IsZero() && p.start >= dayOf(start) && p.end <= dayOf(end)
}

// Next returns the period of the same type that starts after p: the one
// containing the day after p's end. For BiWeekly periods after a 53-week
// year this one starts before p ends, as in DHIS2.
func (p Period) Next() Period { return ofDay(p.typ, p.end+1) }

// Prev returns the period of the same type containing the day before p's
// start.
func (p Period) Prev() Period { return ofDay(p.typ, p.start-1) }

// String returns the canonical DHIS2 ISO identifier of p, or "" for the
// zero Period.
func (p Period) String() string {
	if p.IsZero() {
		return ""
	}
	return format(p)
}

// MarshalText implements encoding.TextMarshaler with the ISO identifier.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with Parse.
func (p *Period) UnmarshalText(b []byte) error {
	q, err := Parse(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// Of returns the period of type t that contains the calendar date of d
// (in d's location). It returns the zero Period for an invalid type.
func Of(t Type, d time.Time) Period { return ofDay(t, dayOf(d)) }

// maxBetween bounds the number of periods Between returns.
const maxBetween = 1_000_000

// Between returns, in order, the periods of type t that overlap the
// calendar dates from start to end (inclusive). It fails for an invalid
// type, when end is before start, or when the range holds more than a
// million periods.
func Between(t Type, start, end time.Time) ([]Period, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("period.Between: invalid period type %d", uint8(t))
	}
	s, e := dayOf(start), dayOf(end)
	if e < s {
		return nil, fmt.Errorf("period.Between(%s, %s, %s): end date is before start date", t, start.Format(time.DateOnly), end.Format(time.DateOnly))
	}
	var out []Period
	for p := ofDay(t, s); p.start <= e; p = p.Next() {
		if len(out) == maxBetween {
			return nil, fmt.Errorf("period.Between(%s, %s, %s): more than %d periods; use a shorter range", t, start.Format(time.DateOnly), end.Format(time.DateOnly), maxBetween)
		}
		out = append(out, p)
	}
	return out, nil
}

// Within returns, in order, the periods of type t that lie entirely within
// the calendar dates from start to end (inclusive), the selection DHIS2
// applies to startDate/endDate export queries.
func Within(t Type, start, end time.Time) ([]Period, error) {
	all, err := Between(t, start, end)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, p := range all {
		if p.Within(start, end) {
			out = append(out, p)
		}
	}
	return out, nil
}

// MustParse is Parse for identifiers known to be valid (tests, tables); it
// panics on error.
func MustParse(id string) Period {
	p, err := Parse(id)
	if err != nil {
		panic(err)
	}
	return p
}
