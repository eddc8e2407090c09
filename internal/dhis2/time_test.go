package dhis2

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	freetown, _ := time.LoadLocation("Africa/Freetown")
	paris, _ := time.LoadLocation("Europe/Paris")
	tests := []struct {
		in   string
		loc  *time.Location
		want string // RFC 3339 in UTC with millis
	}{
		{"2024-02-12T09:50:11.794", nil, "2024-02-12T09:50:11.794Z"},
		{"2024-02-12T09:50:11.794", paris, "2024-02-12T08:50:11.794Z"},
		{"2024-07-12T09:50:11.794", paris, "2024-07-12T07:50:11.794Z"},
		{"2024-02-12T09:50:11.794", freetown, "2024-02-12T09:50:11.794Z"},
		{"2017-10-17T16:15:18.143+0000", paris, "2017-10-17T16:15:18.143Z"},
		{"2017-10-17T16:15:18.143+0200", nil, "2017-10-17T14:15:18.143Z"},
		{"2024-02-12T09:50:11.794Z", paris, "2024-02-12T09:50:11.794Z"},
		{"2024-02-12T09:50:11+01:00", nil, "2024-02-12T08:50:11.000Z"},
		{"2024-02-12T09:50:11-05", nil, "2024-02-12T14:50:11.000Z"},
		{"2024-02-12T09:50:11", nil, "2024-02-12T09:50:11.000Z"},
		{"2024-02-12T09:50", nil, "2024-02-12T09:50:00.000Z"},
		{"2024-02-12 09:50:11.5", nil, "2024-02-12T09:50:11.500Z"},
		{"2024-02-12T09:50:11.123456789", nil, "2024-02-12T09:50:11.123Z"},
		{"2024-02-12", paris, "2024-02-11T23:00:00.000Z"},
		{" 2024-02-12 ", nil, "2024-02-12T00:00:00.000Z"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTime(tt.in, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.UTC().Format("2006-01-02T15:04:05.000Z07:00"); s != tt.want {
				t.Errorf("ParseTime(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "2024", "2024-02", "2024-13-01", "2024-02-30", "12/02/2024", "2024-02-12T25:00:00", "2024-02-12Tfoo", "now"} {
		if _, err := ParseTime(bad, nil); err == nil {
			t.Errorf("ParseTime(%q) succeeded, want an error", bad)
		}
	}
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	paris, _ := time.LoadLocation("Europe/Paris")
	ts := time.Date(2024, 2, 12, 8, 50, 11, 794e6, time.UTC)
	if got := FormatTime(ts, paris); got != "2024-02-12T09:50:11.794" {
		t.Errorf("FormatTime = %s", got)
	}
	if got := FormatTimeOffset(ts.In(paris)); got != "2024-02-12T09:50:11.794+01:00" {
		t.Errorf("FormatTimeOffset = %s", got)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-02-12T09:50:11.794", "2017-10-17T16:15:18.143+0000", "2024-02-12T09:50:11Z", "2024-02-12",
		"2024-02-12 09:50", "2020-11-03T07:20:14.353", "x", "2024-02-12T09:50:11.794+01:00"} {
		f.Add(s)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s, paris)
		if err != nil {
			return
		}
		// Round trip: the DHIS2 rendering in the same zone parses back to
		// the same instant (to the millisecond), and so does the offset form.
		back, err := ParseTime(FormatTime(got, paris), paris)
		if err != nil {
			t.Fatalf("FormatTime(%v) does not parse: %v", got, err)
		}
		ms := got.Truncate(time.Millisecond)
		// Without an offset, a wall time repeated at the end of summer time
		// is ambiguous; then both instants must at least read the same.
		if !back.Equal(ms) && FormatTime(back, paris) != FormatTime(ms, paris) {
			t.Fatalf("round trip of %q: %v vs %v", s, back, ms)
		}
		off, err := ParseTime(FormatTimeOffset(got), nil)
		if err != nil || !off.Equal(ms) {
			t.Fatalf("offset round trip of %q: %v, %v (want %v)", s, off, err, ms)
		}
	})
}
