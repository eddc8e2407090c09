package period

import "testing"

// FuzzParse checks that every identifier Parse accepts formats to a
// canonical identifier that parses back to the same period, and that the
// period is the one Of computes for its start date.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"20240115", "2024-01-15", "2024W3", "2024W03", "2020W53", "2024WedW3",
		"2024ThuW1", "2024SatW52", "2024SunW1", "2024BiW1", "2020BiW27", "202401", "2024-01", "202401B",
		"2024Q1", "2024NovQ1", "2024S1", "2024AprilS2", "2024NovS1", "2024", "2024April", "2024July",
		"2024Oct", "2024Nov", "", "0000", "2024W", "99991231", "0001W1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		p, err := Parse(id)
		if err != nil {
			return
		}
		s := p.String()
		q, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) ok but its String %q does not parse: %v", id, s, err)
		}
		if q != p {
			t.Fatalf("round trip %q -> %q changed the period: %v..%v vs %v..%v", id, s, p.Start(), p.End(), q.Start(), q.End())
		}
		if q.String() != s {
			t.Fatalf("String not canonical: %q then %q", s, q.String())
		}
		if o := Of(p.Type(), p.Start()); o != p {
			t.Fatalf("Of(%s, %v) = %s, want %s", p.Type(), p.Start(), o, p)
		}
		if p.End().Before(p.Start()) {
			t.Fatalf("%s ends before it starts", s)
		}
	})
}
