package datavalue

import (
	"strings"
	"time"
)

// parseTimestamp parses the date-time forms of DHIS2's DateUtils
// (SUPPORTED_DATE_TIME_FORMAT_PARSERS): yyyy-MM-dd'T'HH[:mm[:ss[.S…]]]
// with an optional zone (Z, ±HHMM, ±HH:MM), and yyyy-MM-dd HH:mm:ss with a
// zone. Times without a zone are in loc (nil means UTC).
func parseTimestamp(v string, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	if len(v) < 13 || !isDate(v[:10]) || (v[10] != 'T' && v[10] != ' ') {
		return time.Time{}, false
	}
	space := v[10] == ' '
	y, m, d := atoi(v[0:4]), atoi(v[5:7]), atoi(v[8:10])
	rest := v[11:]
	var clock [3]int
	var nanos int
	fields := 0
	for fields < 3 && len(rest) >= 2 && isDigits(rest[:2]) {
		clock[fields] = atoi(rest[:2])
		rest = rest[2:]
		fields++
		if fields < 3 && strings.HasPrefix(rest, ":") && len(rest) >= 3 && isDigits(rest[1:3]) {
			rest = rest[1:]
			continue
		}
		break
	}
	if fields == 0 || clock[0] > 23 || clock[1] > 59 || clock[2] > 59 {
		return time.Time{}, false
	}
	if fields == 3 && strings.HasPrefix(rest, ".") {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		digits := rest[1:n]
		if len(digits) == 0 || len(digits) > 9 {
			return time.Time{}, false
		}
		nanos = atoi((digits + "000000000")[:9])
		rest = rest[n:]
	}
	zone, ok := parseZone(rest, loc)
	if !ok || (space && (fields != 3 || rest == "")) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, clock[0], clock[1], clock[2], nanos, zone), true
}

// parseDateOrTimestamp also accepts the date-only forms of DateUtils
// (yyyy-MM-dd, yyyyMMdd, yyyy-MM, yyyy), at midnight in loc.
func parseDateOrTimestamp(v string, loc *time.Location) (time.Time, bool) {
	if t, ok := parseTimestamp(v, loc); ok {
		return t, true
	}
	if loc == nil {
		loc = time.UTC
	}
	switch {
	case len(v) == 10 && isDate(v):
		return time.Date(atoi(v[:4]), time.Month(atoi(v[5:7])), atoi(v[8:]), 0, 0, 0, 0, loc), true
	case len(v) == 8 && isDigits(v) && isDate(v[:4]+"-"+v[4:6]+"-"+v[6:]):
		return time.Date(atoi(v[:4]), time.Month(atoi(v[4:6])), atoi(v[6:]), 0, 0, 0, 0, loc), true
	case len(v) == 7 && isDigits(v[:4]) && v[4] == '-' && isDigits(v[5:]) && atoi(v[5:]) >= 1 && atoi(v[5:]) <= 12:
		return time.Date(atoi(v[:4]), time.Month(atoi(v[5:])), 1, 0, 0, 0, 0, loc), true
	case len(v) == 4 && isDigits(v):
		return time.Date(atoi(v), 1, 1, 0, 0, 0, 0, loc), true
	}
	return time.Time{}, false
}

func parseZone(z string, loc *time.Location) (*time.Location, bool) {
	switch {
	case z == "":
		return loc, true
	case z == "Z":
		return time.UTC, true
	case len(z) == 5 && (z[0] == '+' || z[0] == '-') && isDigits(z[1:]):
	case len(z) == 6 && (z[0] == '+' || z[0] == '-') && z[3] == ':' && isDigits(z[1:3]) && isDigits(z[4:]):
		z = z[:3] + z[4:]
	default:
		return nil, false
	}
	h, m := atoi(z[1:3]), atoi(z[3:5])
	if h > 23 || m > 59 {
		return nil, false
	}
	off := h*3600 + m*60
	if z[0] == '-' {
		off = -off
	}
	if off == 0 {
		return time.UTC, true
	}
	return time.FixedZone("", off), true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// appendTimestamp appends t as yyyy-MM-dd'T'HH:mm:ss.SSS in loc, followed
// by the offset (+hhmm) unless noOffset.
func appendTimestamp(b []byte, t time.Time, loc *time.Location, noOffset bool) []byte {
	t = t.In(loc)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	if noOffset {
		return b
	}
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	oh, om := off/3600, off/60%60
	return append(b, sign, byte('0'+oh/10), byte('0'+oh%10), byte('0'+om/10), byte('0'+om%10))
}
