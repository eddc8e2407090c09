package period

import "time"

// dayOf returns the calendar date of t, in t's location, as days since
// 1970-01-01.
func dayOf(t time.Time) int32 {
	y, m, d := t.Date()
	return civilDay(y, int(m), d)
}

// civilDay returns the days since 1970-01-01 of a proleptic Gregorian date
// (Howard Hinnant's days_from_civil).
func civilDay(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// civil is the inverse of civilDay.
func civil(days int32) (y, m, d int) {
	z := int(days) + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func dayTime(days int32) time.Time {
	y, m, d := civil(days)
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

// weekday returns the day of the week of a day count (1970-01-01 was a
// Thursday).
func weekday(days int32) time.Weekday {
	return time.Weekday(((int(days) % 7) + 7 + 4) % 7)
}

func daysInMonth(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// monthSpan returns the period of n months starting on the first day of
// month m of year y; m may be outside 1–12 and is normalised.
func monthSpan(t Type, y, m, n int) Period {
	y += floorDiv(m-1, 12)
	m = (m-1)%12 + 1
	if m <= 0 {
		m += 12
	}
	start := civilDay(y, m, 1)
	ey, em := y, m+n
	ey += floorDiv(em-1, 12)
	em = (em-1)%12 + 1
	if em <= 0 {
		em += 12
	}
	return Period{typ: t, start: start, end: civilDay(ey, em, 1) - 1}
}

// weekStartDay is the first day of the week of each weekly type.
func weekStartDay(t Type) time.Weekday {
	switch t {
	case WeeklyWednesday:
		return time.Wednesday
	case WeeklyThursday:
		return time.Thursday
	case WeeklySaturday:
		return time.Saturday
	case WeeklySunday:
		return time.Sunday
	}
	return time.Monday
}

// startOfWeek returns the first day of the week (starting on first) that
// contains day.
func startOfWeek(day int32, first time.Weekday) int32 {
	back := (int(weekday(day)) - int(first) + 7) % 7
	return day - int32(back)
}

// firstWeek returns the first day of week 1 of week-based year y for weeks
// starting on first: the week that contains 4 January.
func firstWeek(y int, first time.Weekday) int32 {
	return startOfWeek(civilDay(y, 1, 4), first)
}

// weekYear returns the week-based year and week number of the week that
// starts on start: the week belongs to the year holding its fourth day.
func weekYear(start int32, first time.Weekday) (year, week int) {
	year, _, _ = civil(start + 3)
	return year, int(start-firstWeek(year, first))/7 + 1
}

// ofDay returns the period of type t containing day.
func ofDay(t Type, day int32) Period {
	y, m, _ := civil(day)
	switch t {
	case Daily:
		return Period{typ: t, start: day, end: day}
	case Weekly, WeeklyWednesday, WeeklyThursday, WeeklySaturday, WeeklySunday:
		s := startOfWeek(day, weekStartDay(t))
		return Period{typ: t, start: s, end: s + 6}
	case BiWeekly:
		s := startOfWeek(day, time.Monday)
		if _, w := weekYear(s, time.Monday); w%2 == 0 {
			s -= 7
		}
		return Period{typ: t, start: s, end: s + 13}
	case Monthly:
		return monthSpan(t, y, m, 1)
	case BiMonthly:
		return monthSpan(t, y, m-(m-1)%2, 2)
	case Quarterly:
		return monthSpan(t, y, m-(m-1)%3, 3)
	case QuarterlyNov:
		// Quarters start in November, February, May and August.
		return monthSpan(t, y, m-(m+1)%3, 3)
	case SixMonthly:
		return monthSpan(t, y, m-(m-1)%6, 6)
	case SixMonthlyApril:
		// Halves start in April and October.
		return monthSpan(t, y, m-(m+2)%6, 6)
	case SixMonthlyNov:
		// Halves start in November and May.
		return monthSpan(t, y, m-(m+1)%6, 6)
	case Yearly:
		return monthSpan(t, y, 1, 12)
	case FinancialApril:
		return financial(t, y, m, 4)
	case FinancialJuly:
		return financial(t, y, m, 7)
	case FinancialOct:
		return financial(t, y, m, 10)
	case FinancialNov:
		return financial(t, y, m, 11)
	}
	return Period{}
}

// financial returns the financial year starting in month base that
// contains month m of year y.
func financial(t Type, y, m, base int) Period {
	if m < base {
		y--
	}
	return monthSpan(t, y, base, 12)
}
