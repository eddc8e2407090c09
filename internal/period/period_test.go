package period

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id, canonical string
		typ           Type
		start, end    string
	}{
		{"20240115", "20240115", Daily, "2024-01-15", "2024-01-15"},
		{"2024-02-29", "20240229", Daily, "2024-02-29", "2024-02-29"},
		{"2024W1", "2024W1", Weekly, "2024-01-01", "2024-01-07"},
		{"2024W03", "2024W3", Weekly, "2024-01-15", "2024-01-21"},
		{"2020W53", "2020W53", Weekly, "2020-12-28", "2021-01-03"},
		{"2021W1", "2021W1", Weekly, "2021-01-04", "2021-01-10"},
		{"2019W1", "2019W1", Weekly, "2018-12-31", "2019-01-06"},
		{"2024WedW1", "2024WedW1", WeeklyWednesday, "2024-01-03", "2024-01-09"},
		{"2024ThuW1", "2024ThuW1", WeeklyThursday, "2024-01-04", "2024-01-10"},
		{"2024SatW1", "2024SatW1", WeeklySaturday, "2023-12-30", "2024-01-05"},
		{"2024SunW1", "2024SunW1", WeeklySunday, "2023-12-31", "2024-01-06"},
		{"2024BiW1", "2024BiW1", BiWeekly, "2024-01-01", "2024-01-14"},
		{"2024BiW2", "2024BiW2", BiWeekly, "2024-01-15", "2024-01-28"},
		{"2020BiW27", "2020BiW27", BiWeekly, "2020-12-28", "2021-01-10"},
		{"202401", "202401", Monthly, "2024-01-01", "2024-01-31"},
		{"2024-02", "202402", Monthly, "2024-02-01", "2024-02-29"},
		{"202401B", "202401B", BiMonthly, "2024-01-01", "2024-02-29"},
		{"202406B", "202406B", BiMonthly, "2024-11-01", "2024-12-31"},
		{"2024Q1", "2024Q1", Quarterly, "2024-01-01", "2024-03-31"},
		{"2024Q4", "2024Q4", Quarterly, "2024-10-01", "2024-12-31"},
		{"2024NovQ1", "2024NovQ1", QuarterlyNov, "2023-11-01", "2024-01-31"},
		{"2024NovQ2", "2024NovQ2", QuarterlyNov, "2024-02-01", "2024-04-30"},
		{"2024NovQ4", "2024NovQ4", QuarterlyNov, "2024-08-01", "2024-10-31"},
		{"2024S1", "2024S1", SixMonthly, "2024-01-01", "2024-06-30"},
		{"2024S2", "2024S2", SixMonthly, "2024-07-01", "2024-12-31"},
		{"2024AprilS1", "2024AprilS1", SixMonthlyApril, "2024-04-01", "2024-09-30"},
		{"2024AprilS2", "2024AprilS2", SixMonthlyApril, "2024-10-01", "2025-03-31"},
		{"2024NovS1", "2024NovS1", SixMonthlyNov, "2023-11-01", "2024-04-30"},
		{"2024NovS2", "2024NovS2", SixMonthlyNov, "2024-05-01", "2024-10-31"},
		{"2024", "2024", Yearly, "2024-01-01", "2024-12-31"},
		{"2024April", "2024April", FinancialApril, "2024-04-01", "2025-03-31"},
		{"2024July", "2024July", FinancialJuly, "2024-07-01", "2025-06-30"},
		{"2024Oct", "2024Oct", FinancialOct, "2024-10-01", "2025-09-30"},
		{"2024Nov", "2024Nov", FinancialNov, "2023-11-01", "2024-10-31"},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			p, err := Parse(tc.id)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.id, err)
			}
			if p.Type() != tc.typ {
				t.Errorf("type = %s, want %s", p.Type(), tc.typ)
			}
			if got := p.Start().Format(time.DateOnly); got != tc.start {
				t.Errorf("start = %s, want %s", got, tc.start)
			}
			if got := p.End().Format(time.DateOnly); got != tc.end {
				t.Errorf("end = %s, want %s", got, tc.end)
			}
			if p.String() != tc.canonical {
				t.Errorf("String() = %q, want %q", p.String(), tc.canonical)
			}
			if q := Of(tc.typ, p.Start()); q != p {
				t.Errorf("Of(%s, start) = %s, want %s", tc.typ, q, p)
			}
			if q := Of(tc.typ, p.End()); q != p && tc.typ != BiWeekly {
				t.Errorf("Of(%s, end) = %s, want %s", tc.typ, q, p)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct{ id, want string }{
		{"", "4-digit year"},
		{"abcd", "4-digit year"},
		{"0000", "year must be"},
		{"20241", "not a DHIS2 ISO period"},
		{"202413", "month must be"},
		{"202400", "month must be"},
		{"20240230", "does not exist"},
		{"20230229", "does not exist"},
		{"2024-13-01", "month must be"},
		{"2024W0", "week must be"},
		{"2024W53", "does not exist"},
		{"2021W53", "does not exist"},
		{"2024W123", "too many digits"},
		{"2024BiW27", "does not exist"},
		{"2024BiW0", "bi-week must be"},
		{"202407B", "bi-month"},
		{"2024Q5", "quarter"},
		{"2024Q0", "quarter"},
		{"2024Q12", "too many digits"},
		{"2024S3", "half-year"},
		{"2024AprilS0", "half-year"},
		{"2024Sep", "not a DHIS2 ISO period"},
		{"2024q1", "not a DHIS2 ISO period"},
		{"2024 ", "not a DHIS2 ISO period"},
		{" 2024", "4-digit year"},
		{"2024W", "not a DHIS2 ISO period"},
		{"2024MonW1", "not a DHIS2 ISO period"},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			p, err := Parse(tc.id)
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want error", tc.id, p)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "invalid period") {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tc.id, err, tc.want)
			}
		})
	}
}

func TestTypeNames(t *testing.T) {
	t.Parallel()
	want := "Daily Weekly WeeklyWednesday WeeklyThursday WeeklySaturday WeeklySunday BiWeekly Monthly BiMonthly Quarterly QuarterlyNov SixMonthly SixMonthlyApril SixMonthlyNov Yearly FinancialApril FinancialJuly FinancialOct FinancialNov"
	var names []string
	for _, typ := range Types() {
		names = append(names, typ.String())
		got, err := ParseType(strings.ToLower(typ.String()))
		if err != nil || got != typ {
			t.Errorf("ParseType(%q) = %v, %v", typ.String(), got, err)
		}
	}
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Types() = %s\nwant      %s", got, want)
	}
	if _, err := ParseType("Fortnightly"); err == nil {
		t.Error("ParseType(Fortnightly) succeeded")
	}
	if Type(0).Valid() || Type(99).String() != "Type(99)" {
		t.Error("invalid types must not be valid")
	}
}

func TestBetween(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ        Type
		start, end string
		want       string
	}{
		{Monthly, "2024-01-15", "2024-04-01", "202401 202402 202403 202404"},
		{Quarterly, "2023-12-31", "2024-01-01", "2023Q4 2024Q1"},
		{Weekly, "2020-12-25", "2021-01-12", "2020W52 2020W53 2021W1 2021W2"},
		{WeeklySunday, "2024-01-01", "2024-01-08", "2024SunW1 2024SunW2"},
		{BiMonthly, "2024-01-01", "2024-12-31", "202401B 202402B 202403B 202404B 202405B 202406B"},
		{FinancialNov, "2023-10-31", "2024-11-01", "2023Nov 2024Nov 2025Nov"},
		{SixMonthlyApril, "2024-01-01", "2024-12-31", "2023AprilS2 2024AprilS1 2024AprilS2"},
		{Daily, "2024-02-28", "2024-03-01", "20240228 20240229 20240301"},
		{Yearly, "2024-06-01", "2024-06-01", "2024"},
		{BiWeekly, "2020-12-20", "2021-01-20", "2020BiW26 2020BiW27 2021BiW1 2021BiW2"},
	}
	for _, tc := range tests {
		t.Run(tc.typ.String()+" "+tc.start, func(t *testing.T) {
			t.Parallel()
			ps, err := Between(tc.typ, day(tc.start), day(tc.end))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range ps {
				ids = append(ids, p.String())
			}
			if got := strings.Join(ids, " "); got != tc.want {
				t.Errorf("Between = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestBetweenErrors(t *testing.T) {
	t.Parallel()
	if _, err := Between(Monthly, day("2024-02-01"), day("2024-01-01")); err == nil || !strings.Contains(err.Error(), "before start") {
		t.Errorf("end before start: err = %v", err)
	}
	if _, err := Between(Type(0), day("2024-01-01"), day("2024-02-01")); err == nil {
		t.Error("invalid type accepted")
	}
	if _, err := Between(Daily, day("0001-01-01"), day("9999-12-31")); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("huge range: err = %v", err)
	}
}

func TestWithinAndRelations(t *testing.T) {
	t.Parallel()
	ps, err := Within(Monthly, day("2024-01-15"), day("2024-04-30"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.String())
	}
	if got := strings.Join(ids, " "); got != "202402 202403 202404" {
		t.Errorf("Within = %s", got)
	}
	q1, jan, w := MustParse("2024Q1"), MustParse("202401"), MustParse("2024W5")
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"Q1 contains Jan", q1.ContainsPeriod(jan), true},
		{"Jan contains Q1", jan.ContainsPeriod(q1), false},
		{"Jan overlaps W5", jan.Overlaps(w), true}, // 2024W5 = 29 Jan – 4 Feb
		{"W5 within Jan", w.Within(day("2024-01-01"), day("2024-01-31")), false},
		{"Q1 contains 31 Mar", q1.Contains(day("2024-03-31")), true},
		{"Q1 contains 1 Apr", q1.Contains(day("2024-04-01")), false},
		{"zero overlaps", Period{}.Overlaps(q1), false},
		{"Q1 overlaps Q2", q1.Overlaps(MustParse("2024Q2")), false},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if q1.Next().String() != "2024Q2" || q1.Prev().String() != "2023Q4" || q1.Days() != 91 {
		t.Errorf("Next/Prev/Days of 2024Q1: %s %s %d", q1.Next(), q1.Prev(), q1.Days())
	}
	// Contains uses the calendar date in the time's own location.
	late := time.Date(2024, 3, 31, 23, 30, 0, 0, time.FixedZone("X", -5*3600))
	if !q1.Contains(late) {
		t.Error("31 March 23:30 -05:00 must be inside 2024Q1")
	}
}

func TestTextMarshal(t *testing.T) {
	t.Parallel()
	var p Period
	if err := p.UnmarshalText([]byte("2024AprilS2")); err != nil {
		t.Fatal(err)
	}
	b, _ := p.MarshalText()
	if string(b) != "2024AprilS2" {
		t.Errorf("MarshalText = %s", b)
	}
	if err := p.UnmarshalText([]byte("nope")); err == nil {
		t.Error("UnmarshalText accepted nope")
	}
	if (Period{}).String() != "" || !(Period{}).IsZero() {
		t.Error("zero period must format empty")
	}
}

// TestCivilRoundTrip checks the day arithmetic against the time package
// over four centuries, including leap years.
func TestCivilRoundTrip(t *testing.T) {
	t.Parallel()
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 146097; i += 7 {
		d := start.AddDate(0, 0, i)
		n := dayOf(d)
		if got := dayTime(n); !got.Equal(d) {
			t.Fatalf("dayTime(dayOf(%s)) = %s", d, got)
		}
		if weekday(n) != d.Weekday() {
			t.Fatalf("weekday(%s) = %s, want %s", d, weekday(n), d.Weekday())
		}
	}
}

// TestEveryWeekOfYear checks that ISO week numbers agree with the time
// package for every Monday over three decades.
func TestEveryWeekOfYear(t *testing.T) {
	t.Parallel()
	for d := day("2000-01-03"); d.Year() < 2030; d = d.AddDate(0, 0, 7) {
		y, w := d.ISOWeek()
		p := Of(Weekly, d)
		want := strconv.Itoa(y) + "W" + strconv.Itoa(w)
		if p.String() != want {
			t.Fatalf("Of(Weekly, %s) = %s, want %s", d.Format(time.DateOnly), p, want)
		}
		if q := MustParse(want); q != p {
			t.Fatalf("Parse(%s) = %s..%s", want, q.Start(), q.End())
		}
	}
}
