package syncer

import (
	"fmt"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// maxDataDetails bounds the drill-down lines kept per data set.
const maxDataDetails = 50

// valueCompare decides whether a destination value equals a source value
// as far as the destination can hold it: value, comment, follow-up and
// storedBy always; created and lastUpdated only when the destination keeps
// the payload's timestamps (DHIS2 ≤ 2.40; 2.41 sets them to the time of
// the import). Members the source leaves empty are not compared (the
// destination fills them in).
type valueCompare struct {
	timestamps     bool
	srcLoc, dstLoc *time.Location
}

// diff returns the names of the members that differ.
func (c *valueCompare) diff(s, d *dataValue) []string {
	var out []string
	if s.Value != d.Value {
		out = append(out, "value")
	}
	if s.Comment != d.Comment {
		out = append(out, "comment")
	}
	if s.FollowUp != d.FollowUp {
		out = append(out, "followup")
	}
	if s.StoredBy != "" && s.StoredBy != d.StoredBy {
		out = append(out, "storedBy")
	}
	if c.timestamps {
		if s.Created != "" && !c.sameTime(s.Created, d.Created) {
			out = append(out, "created")
		}
		if s.LastUpdated != "" && !c.sameTime(s.LastUpdated, d.LastUpdated) {
			out = append(out, "lastUpdated")
		}
	}
	return out
}

func (c *valueCompare) equal(s, d *dataValue) bool { return len(c.diff(s, d)) == 0 }

func (c *valueCompare) sameTime(src, dst string) bool {
	if src == dst && c.srcLoc == c.dstLoc {
		return true
	}
	a, ok1 := timeMillis(src, c.srcLoc)
	b, ok2 := timeMillis(dst, c.dstLoc)
	return ok1 && ok2 && a == b
}

// hash is the 64-bit hash of a value's canonical form: its key and the
// members diff compares (times as instants), so that equal values hash
// equal whatever zone or format each side writes.
func (c *valueCompare) hash(v *dataValue, loc *time.Location, withStoredBy bool) uint64 {
	h := uint64(fnvOffset)
	for _, s := range [...]string{v.DE, v.PE, v.OU, v.COC, v.AOC, v.Value, v.Comment} {
		h = fnvString(h, s)
	}
	if v.FollowUp {
		h = fnvString(h, "f")
	}
	if withStoredBy {
		h = fnvString(h, v.StoredBy)
	}
	if c.timestamps {
		a, _ := timeMillis(v.Created, loc)
		b, _ := timeMillis(v.LastUpdated, loc)
		h = fnvUint(fnvUint(h, uint64(a)), uint64(b))
	}
	return h
}

// FNV-1a, 64 bits, with a separator after each string.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	h ^= 0xff
	return h * fnvPrime
}

func fnvUint(h, v uint64) uint64 {
	for i := 0; i < 8; i++ {
		h ^= v & 0xff
		h *= fnvPrime
		v >>= 8
	}
	return h
}

// timeMillis parses a DHIS2 timestamp to Unix milliseconds. The common
// forms (2024-01-09T09:23:53.000 with an optional +0000, Z or +00:00
// offset) are parsed by hand; others go through dhis2.ParseTime. Times
// without an offset are in loc.
func timeMillis(s string, loc *time.Location) (int64, bool) {
	if ms, ok := fastTimeMillis(s, loc); ok {
		return ms, true
	}
	t, err := dhis2.ParseTime(s, loc)
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

func fastTimeMillis(s string, loc *time.Location) (int64, bool) {
	if len(s) < 23 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' {
		return 0, false
	}
	var f [7]int
	for i, p := range [7][2]int{{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}, {20, 3}} {
		v, ok := digits(s[p[0] : p[0]+p[1]])
		if !ok {
			return 0, false
		}
		f[i] = v
	}
	zone := loc
	switch rest := s[23:]; rest {
	case "":
	case "Z", "+0000", "+00:00", "+00":
		zone = time.UTC
	default:
		return 0, false
	}
	if zone == time.UTC && f[1] >= 1 && f[1] <= 12 {
		// What time.Date computes, without its zone look-up: days and
		// times out of range carry over the same way.
		days := daysFromCivil(f[0], f[1], 1) + int64(f[2]-1)
		return ((days*24+int64(f[3]))*60+int64(f[4]))*60_000 + int64(f[5])*1000 + int64(f[6]), true
	}
	return time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], f[6]*1e6, zone).UnixMilli(), true
}

// digits parses a string of ASCII digits.
func digits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// daysFromCivil returns the number of days from 1970-01-01 to a day of
// the proleptic Gregorian calendar (month 1–12), after Howard Hinnant's
// days_from_civil.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// verifyCounts are the numbers of one line of the verification table.
type verifyCounts struct {
	Source     int `json:"source"`
	Dest       int `json:"dest"`
	Match      int `json:"match"`
	Differ     int `json:"differ"`
	Missing    int `json:"missing"`
	Extra      int `json:"extra"`
	Documented int `json:"documented"`
}

func (v *verifyCounts) add(o verifyCounts) {
	v.Source += o.Source
	v.Dest += o.Dest
	v.Match += o.Match
	v.Differ += o.Differ
	v.Missing += o.Missing
	v.Extra += o.Extra
	v.Documented += o.Documented
}

// dataTally is what the data stage learned about one data set (or one
// stream, in a checkpoint): verification counts of values, buckets and
// registrations, write counts, and the first differing values.
type dataTally struct {
	Values    verifyCounts   `json:"values"`
	Buckets   verifyCounts   `json:"buckets"`
	Regs      verifyCounts   `json:"registrations"`
	Writes    Counts         `json:"writes"`
	RegWrites Counts         `json:"registrationWrites"`
	Details   []VerifyDetail `json:"details,omitempty"`
}

func (t *dataTally) add(o *dataTally) {
	t.Values.add(o.Values)
	t.Buckets.add(o.Buckets)
	t.Regs.add(o.Regs)
	t.Writes.Add(o.Writes)
	t.RegWrites.Add(o.RegWrites)
	for _, d := range o.Details {
		t.detail(d)
	}
}

func (t *dataTally) detail(d VerifyDetail) {
	if len(t.Details) < maxDataDetails {
		t.Details = append(t.Details, d)
	}
}

// bucket accumulates one (period, org unit) cell of a data set on both
// sides: counts and an order-independent sum of value hashes.
type bucket struct {
	srcN, dstN int
	srcH, dstH uint64
}

// chunkCompare compares the values of one chunk and fills a tally. src
// holds the source's live values (mapped to destination UIDs) and dst the
// destination's, by key. extras says whether destination values absent
// from the source are extra (full reads) or out of view (partial reads).
type chunkCompare struct {
	cmp     *valueCompare
	des     map[string]deInfo
	deleted map[dvKey]bool // source tombstones: keys deleted on the source
}

// match holds the destination's value of each source value (matchDest).
func (cc *chunkCompare) compare(src, match []*dataValue, dst *destValues, extras bool, t *dataTally) {
	buckets := map[[2]string]*bucket{}
	// Exports list a cell's values together: the last bucket is
	// remembered to skip most map look-ups.
	var lastKey [2]string
	var last *bucket
	bk := func(v *dataValue) *bucket {
		k := [2]string{v.PE, v.OU}
		if last != nil && k == lastKey {
			return last
		}
		b := buckets[k]
		if b == nil {
			b = &bucket{}
			buckets[k] = b
		}
		lastKey, last = k, b
		return b
	}
	for i, s := range src {
		k := s.dvKey()
		d := match[i]
		if d != nil {
			d.seen = true
		}
		if cc.des[s.DE].dropsZero(s.Value) && d == nil {
			t.Values.Documented++
			continue
		}
		t.Values.Source++
		b := bk(s)
		b.srcN++
		b.srcH += cc.cmp.hash(s, cc.cmp.srcLoc, s.StoredBy != "")
		if d == nil {
			t.Values.Missing++
			t.detail(VerifyDetail{Kind: "missing", UID: k.String(), Name: cc.des[s.DE].Name, Note: "source value " + quoteValue(s.Value)})
			continue
		}
		t.Values.Dest++
		b.dstN++
		b.dstH += cc.cmp.hash(d, cc.cmp.dstLoc, s.StoredBy != "")
		if diffs := cc.cmp.diff(s, d); len(diffs) > 0 {
			t.Values.Differ++
			t.detail(VerifyDetail{Kind: "differ", UID: k.String(), Name: cc.des[s.DE].Name, Paths: diffs,
				Note: describeDiff(diffs, s, d)})
			continue
		}
		t.Values.Match++
	}
	if extras {
		for _, d := range dst.values() {
			k := d.dvKey()
			if d.seen || cc.deleted[k] {
				// Values deleted on the source are pending deletions,
				// counted when the deletions are applied or skipped.
				continue
			}
			t.Values.Dest++
			t.Values.Extra++
			b := bk(d)
			b.dstN++
			b.dstH += cc.cmp.hash(d, cc.cmp.dstLoc, true)
			t.detail(VerifyDetail{Kind: "extra", UID: k.String(), Name: cc.des[d.DE].Name,
				Note: "destination value " + quoteValue(d.Value) + ", absent from the source"})
		}
	}
	for _, b := range buckets {
		switch {
		case b.srcN == 0:
			t.Buckets.Dest++
			t.Buckets.Extra++
		case b.dstN == 0:
			t.Buckets.Source++
			t.Buckets.Missing++
		default:
			t.Buckets.Source++
			t.Buckets.Dest++
			if b.srcN == b.dstN && b.srcH == b.dstH {
				t.Buckets.Match++
			} else {
				t.Buckets.Differ++
			}
		}
	}
}

func quoteValue(s string) string {
	if len(s) > 60 {
		s = s[:57] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func describeDiff(diffs []string, s, d *dataValue) string {
	var parts []string
	for _, f := range diffs {
		var a, b string
		switch f {
		case "value":
			a, b = s.Value, d.Value
		case "comment":
			a, b = s.Comment, d.Comment
		case "followup":
			a, b = fmt.Sprint(s.FollowUp), fmt.Sprint(d.FollowUp)
		case "storedBy":
			a, b = s.StoredBy, d.StoredBy
		case "created":
			a, b = s.Created, d.Created
		case "lastUpdated":
			a, b = s.LastUpdated, d.LastUpdated
		}
		parts = append(parts, fmt.Sprintf("%s: source %s, destination %s", f, quoteValue(a), quoteValue(b)))
	}
	return strings.Join(parts, "; ")
}
