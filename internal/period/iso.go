package period

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// suffixes maps the text between the year and the number of numbered
// period identifiers to their type.
var suffixes = []struct {
	text string
	typ  Type
}{
	{"WedW", WeeklyWednesday},
	{"ThuW", WeeklyThursday},
	{"SatW", WeeklySaturday},
	{"SunW", WeeklySunday},
	{"BiW", BiWeekly},
	{"W", Weekly},
	{"NovQ", QuarterlyNov},
	{"Q", Quarterly},
	{"AprilS", SixMonthlyApril},
	{"NovS", SixMonthlyNov},
	{"S", SixMonthly},
}

// financialSuffixes are the yearly identifiers with a month name.
var financialSuffixes = map[string]Type{
	"April": FinancialApril,
	"July":  FinancialJuly,
	"Oct":   FinancialOct,
	"Nov":   FinancialNov,
}

// Parse parses a DHIS2 ISO period identifier such as "202401", "2024Q1",
// "2024W3" or "2024AprilS1". Invalid identifiers give an error that names
// the identifier and the reason.
func Parse(id string) (Period, error) {
	p, err := parse(id)
	if err != nil {
		return Period{}, fmt.Errorf("invalid period %q: %w", id, err)
	}
	return p, nil
}

func parse(id string) (Period, error) {
	if len(id) < 4 || !digits(id[:4]) {
		return Period{}, errors.New("expected a 4-digit year first (e.g. 2024, 202401, 2024Q1, 2024W3)")
	}
	year, _ := strconv.Atoi(id[:4])
	if year < 1 {
		return Period{}, errors.New("year must be from 0001 to 9999")
	}
	rest := id[4:]
	switch {
	case rest == "":
		return monthSpan(Yearly, year, 1, 12), nil
	case digits(rest) && len(rest) == 4:
		return parseDay(year, rest[:2], rest[2:])
	case len(rest) == 6 && rest[0] == '-' && rest[3] == '-' && digits(rest[1:3]) && digits(rest[4:]):
		return parseDay(year, rest[1:3], rest[4:])
	case digits(rest) && len(rest) == 2:
		return parseMonth(year, rest)
	case len(rest) == 3 && rest[0] == '-' && digits(rest[1:]):
		return parseMonth(year, rest[1:])
	case len(rest) == 3 && rest[2] == 'B' && digits(rest[:2]):
		n, _ := strconv.Atoi(rest[:2])
		if n < 1 || n > 6 {
			return Period{}, errors.New("bi-month must be from 01 to 06")
		}
		return monthSpan(BiMonthly, year, 2*n-1, 2), nil
	}
	if t, ok := financialSuffixes[rest]; ok {
		return parseFinancial(t, year), nil
	}
	for _, s := range suffixes {
		if num, ok := strings.CutPrefix(rest, s.text); ok && digits(num) && num != "" {
			return parseNumbered(s.typ, year, num)
		}
	}
	return Period{}, errors.New("not a DHIS2 ISO period (e.g. 20240115, 2024W3, 2024BiW1, 202401, 202401B, 2024Q1, 2024S1, 2024AprilS1, 2024, 2024April)")
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parseDay(year int, ms, ds string) (Period, error) {
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if m < 1 || m > 12 {
		return Period{}, errors.New("month must be from 01 to 12")
	}
	if d < 1 || d > daysInMonth(year, m) {
		return Period{}, fmt.Errorf("day %02d does not exist in %04d-%02d", d, year, m)
	}
	day := civilDay(year, m, d)
	return Period{typ: Daily, start: day, end: day}, nil
}

func parseMonth(year int, ms string) (Period, error) {
	m, _ := strconv.Atoi(ms)
	if m < 1 || m > 12 {
		return Period{}, errors.New("month must be from 01 to 12")
	}
	return monthSpan(Monthly, year, m, 1), nil
}

func parseFinancial(t Type, year int) Period {
	switch t {
	case FinancialApril:
		return monthSpan(t, year, 4, 12)
	case FinancialJuly:
		return monthSpan(t, year, 7, 12)
	case FinancialOct:
		return monthSpan(t, year, 10, 12)
	}
	return monthSpan(t, year-1, 11, 12) // FinancialNov: "2024Nov" starts in November 2023
}

func parseNumbered(t Type, year int, num string) (Period, error) {
	isWeek := t == Weekly || t == WeeklyWednesday || t == WeeklyThursday || t == WeeklySaturday || t == WeeklySunday || t == BiWeekly
	if (isWeek && len(num) > 2) || (!isWeek && len(num) != 1) {
		return Period{}, fmt.Errorf("%s number %q has too many digits", t, num)
	}
	n, _ := strconv.Atoi(num)
	switch t {
	case Quarterly:
		if n < 1 || n > 4 {
			return Period{}, errors.New("quarter must be from 1 to 4")
		}
		return monthSpan(t, year, 3*n-2, 3), nil
	case QuarterlyNov:
		if n < 1 || n > 4 {
			return Period{}, errors.New("quarter must be from 1 to 4")
		}
		return monthSpan(t, year, 3*n-4, 3), nil // Q1 starts in November of the year before
	case SixMonthly, SixMonthlyApril, SixMonthlyNov:
		if n < 1 || n > 2 {
			return Period{}, errors.New("half-year must be 1 or 2")
		}
		base := map[Type]int{SixMonthly: 1, SixMonthlyApril: 4, SixMonthlyNov: -1}[t]
		return monthSpan(t, year, base+6*(n-1), 6), nil
	case BiWeekly:
		return parseBiWeek(year, n)
	}
	return parseWeek(t, year, n)
}

func parseWeek(t Type, year, week int) (Period, error) {
	if week < 1 {
		return Period{}, errors.New("week must be 1 or more")
	}
	first := weekStartDay(t)
	start := firstWeek(year, first) + int32(7*(week-1))
	if y, _ := weekYear(start, first); y != year {
		return Period{}, fmt.Errorf("week %d does not exist in %04d", week, year)
	}
	return Period{typ: t, start: start, end: start + 6}, nil
}

func parseBiWeek(year, n int) (Period, error) {
	if n < 1 {
		return Period{}, errors.New("bi-week must be 1 or more")
	}
	week := 2*n - 1
	start := firstWeek(year, time.Monday) + int32(7*(week-1))
	if y, _ := weekYear(start, time.Monday); y != year {
		return Period{}, fmt.Errorf("bi-week %d does not exist in %04d", n, year)
	}
	return Period{typ: BiWeekly, start: start, end: start + 13}, nil
}

// format returns the canonical identifier of a valid period.
func format(p Period) string {
	y, m, d := civil(p.start)
	switch p.typ {
	case Daily:
		return fmt.Sprintf("%04d%02d%02d", y, m, d)
	case Weekly, WeeklyWednesday, WeeklyThursday, WeeklySaturday, WeeklySunday:
		wy, w := weekYear(p.start, weekStartDay(p.typ))
		return fmt.Sprintf("%04d%s%d", wy, weekPrefix(p.typ), w)
	case BiWeekly:
		wy, w := weekYear(p.start, time.Monday)
		return fmt.Sprintf("%04dBiW%d", wy, w/2+1)
	case Monthly:
		return fmt.Sprintf("%04d%02d", y, m)
	case BiMonthly:
		return fmt.Sprintf("%04d%02dB", y, (m+1)/2)
	case Quarterly:
		return fmt.Sprintf("%04dQ%d", y, (m-1)/3+1)
	case QuarterlyNov:
		if m == 11 {
			return fmt.Sprintf("%04dNovQ1", y+1)
		}
		return fmt.Sprintf("%04dNovQ%d", y, (m+1)/3+1)
	case SixMonthly:
		return fmt.Sprintf("%04dS%d", y, (m-1)/6+1)
	case SixMonthlyApril:
		return fmt.Sprintf("%04dAprilS%d", y, (m-4)/6+1)
	case SixMonthlyNov:
		if m == 11 {
			return fmt.Sprintf("%04dNovS1", y+1)
		}
		return fmt.Sprintf("%04dNovS2", y)
	case Yearly:
		return fmt.Sprintf("%04d", y)
	case FinancialApril:
		return fmt.Sprintf("%04dApril", y)
	case FinancialJuly:
		return fmt.Sprintf("%04dJuly", y)
	case FinancialOct:
		return fmt.Sprintf("%04dOct", y)
	case FinancialNov:
		return fmt.Sprintf("%04dNov", y+1)
	}
	return ""
}

func weekPrefix(t Type) string {
	switch t {
	case WeeklyWednesday:
		return "WedW"
	case WeeklyThursday:
		return "ThuW"
	case WeeklySaturday:
		return "SatW"
	case WeeklySunday:
		return "SunW"
	}
	return "W"
}
