package dhis2

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // server time zones (serverTimeZoneId) must load on any host
)

// TimeLayout is the layout DHIS2 writes dates in: milliseconds, no offset,
// in the server's default time zone (e.g. "2024-02-12T09:50:11.794").
const TimeLayout = "2006-01-02T15:04:05.000"

// zoned layouts carry their own offset; local layouts are read in the
// caller's location.
var (
	zonedLayouts = []string{
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04:05Z07",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05Z0700",
	}
	localLayouts = []string{
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
		"2006-01-02 15:04:05",
		"2006-01-02 15:04",
		"2006-01-02",
	}
)

// ParseTime parses a DHIS2 date or timestamp: "2024-02-12T09:50:11.794"
// (the usual form), with any number of fraction digits or none, with an
// offset ("+0000", "+01:00", "Z"), with a space instead of "T", or a plain
// date ("2024-02-12", midnight). Values without an offset are read in loc —
// pass the server's time zone (SystemInfo.Location); nil means UTC.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	v := strings.TrimSpace(s)
	if len(v) < len("2006-01-02") || len(v) > 64 {
		return time.Time{}, fmt.Errorf("invalid DHIS2 date %q: expected a form like 2024-02-12T09:50:11.794", s)
	}
	if hasOffset(v) {
		for _, l := range zonedLayouts {
			if t, err := time.Parse(l, v); err == nil {
				return t, nil
			}
		}
	} else {
		for _, l := range localLayouts {
			if t, err := time.ParseInLocation(l, v, loc); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("invalid DHIS2 date %q: expected a form like 2024-02-12T09:50:11.794", s)
}

// hasOffset reports whether a timestamp ends with a zone designator: "Z"
// or a sign after the time part.
func hasOffset(v string) bool {
	if len(v) <= len("2006-01-02") {
		return false
	}
	rest := v[len("2006-01-02"):]
	if strings.HasSuffix(rest, "Z") || strings.HasSuffix(rest, "z") {
		return true
	}
	return strings.ContainsAny(rest, "+-")
}

// FormatTime writes t the way DHIS2 does, in loc (nil means UTC) without an
// offset. Prefer FormatTimeOffset in query parameters, which carry the
// offset explicitly.
func FormatTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(TimeLayout)
}

// FormatTimeOffset writes t with milliseconds and an explicit offset
// ("2024-02-12T09:50:11.794+01:00"), the timezone-explicit form to send in
// filters such as lastUpdated:ge:… so that the server never guesses.
func FormatTimeOffset(t time.Time) string {
	return t.Format("2006-01-02T15:04:05.000Z07:00")
}
