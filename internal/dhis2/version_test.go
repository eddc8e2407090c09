package dhis2

import "testing"

func TestParseVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Version
		str  string
	}{
		{"2.30", Version{2, 30, 0, 0, ""}, "2.30"},
		{"2.39.1", Version{2, 39, 1, 0, ""}, "2.39.1"},
		{"2.40.3.1", Version{2, 40, 3, 1, ""}, "2.40.3.1"},
		{"2.44-SNAPSHOT", Version{2, 44, 0, 0, "SNAPSHOT"}, "2.44-SNAPSHOT"},
		{"2.32.0-rc1", Version{2, 32, 0, 0, "rc1"}, "2.32-rc1"},
		{"2.33.1-HF1", Version{2, 33, 1, 0, "HF1"}, "2.33.1-HF1"},
		{"2.41.10-SNAPSHOT", Version{2, 41, 10, 0, "SNAPSHOT"}, "2.41.10-SNAPSHOT"},
		{" v2.42.0 ", Version{2, 42, 0, 0, ""}, "2.42"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseVersion(tt.in)
			if err != nil {
				t.Fatalf("ParseVersion(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseVersion(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got.String() != tt.str {
				t.Fatalf("String() = %q, want %q", got.String(), tt.str)
			}
		})
	}
}

func TestParseVersionInvalid(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "2", "two.thirty", "2.30.", "2.30.1.2.3", "41", "2.40-", "2.40 beta"} {
		if _, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) succeeded, want an error", in)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	t.Parallel()
	order := []string{"2.30", "2.31.1", "2.39", "2.39.1", "2.39.1.1", "2.40", "2.40.3.1", "2.41.10-SNAPSHOT", "2.44-SNAPSHOT"}
	for i := range order {
		for j := range order {
			a, b := MustParseVersion(order[i]), MustParseVersion(order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
	if !MustParseVersion("2.38").AtLeast(38) || MustParseVersion("2.37.9").AtLeast(38) {
		t.Error("AtLeast gate is wrong")
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"2.30", "2.40.3.1", "2.44-SNAPSHOT", "2.32.0-rc1", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		// Round trip: the formatted form parses to the same version.
		w, err := ParseVersion(v.String())
		if err != nil || w.Compare(v) != 0 || w.Qualifier != v.Qualifier {
			t.Fatalf("round trip of %q via %q gave %+v, %v", s, v.String(), w, err)
		}
	})
}
