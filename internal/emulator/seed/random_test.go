package seed

import (
	"math"
	"testing"
)

func TestUIDFrom(t *testing.T) {
	t.Parallel()
	seen := map[string]uint64{}
	r := newRNG(42)
	inputs := []uint64{0, 1, math.MaxUint64, pow62x10 - 1, pow62x10, 21 * pow62x10}
	for range 200000 {
		inputs = append(inputs, r.next())
	}
	for _, x := range inputs {
		u := uidFrom(x)
		if !uidPattern.MatchString(u) {
			t.Fatalf("uidFrom(%d) = %q is not a valid UID", x, u)
		}
		if prev, dup := seen[u]; dup && prev != x {
			t.Fatalf("uidFrom(%d) = uidFrom(%d) = %q", x, prev, u)
		}
		seen[u] = x
	}
	first := map[byte]bool{}
	for u := range seen {
		first[u[0]] = true
	}
	if len(first) < 40 {
		t.Errorf("UIDs start with only %d distinct letters", len(first))
	}
}

func TestUIDSeqDistinct(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, ns := range []string{"te", "enrollment", "event"} {
		h := fnv64(ns)
		for i := range 100000 {
			u := uidSeq(h, i)
			if seen[u] {
				t.Fatalf("uidSeq(%s, %d) = %q repeats", ns, i, u)
			}
			seen[u] = true
		}
	}
}

func TestRNGDistributions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		draw       func(r *rng) float64
		mean, tolr float64
	}{
		{"float", func(r *rng) float64 { return r.float() }, 0.5, 0.01},
		{"intn", func(r *rng) float64 { return float64(r.intn(10)) }, 4.5, 0.05},
		{"poisson small", func(r *rng) float64 { return float64(r.poisson(3.5)) }, 3.5, 0.05},
		{"poisson large", func(r *rng) float64 { return float64(r.poisson(400)) }, 400, 1},
		{"binomial small", func(r *rng) float64 { return float64(r.binomial(20, 0.3)) }, 6, 0.05},
		{"binomial large", func(r *rng) float64 { return float64(r.binomial(1000, 0.25)) }, 250, 1},
		{"normal", func(r *rng) float64 { return r.normal() }, 0, 0.02},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRNG(7)
			sum := 0.0
			const n = 50000
			for range n {
				sum += tc.draw(&r)
			}
			if got := sum / n; math.Abs(got-tc.mean) > tc.tolr {
				t.Errorf("mean = %.3f, want %.3f ± %.3f", got, tc.mean, tc.tolr)
			}
		})
	}
	a, b := newRNG(99), newRNG(99)
	for range 100 {
		if a.next() != b.next() {
			t.Fatal("same seed, different sequence")
		}
	}
}

func TestApportion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ total, n int }{{931, 60}, {60, 8}, {7, 7}, {10900, 140}} {
		r := newRNG(1)
		parts := apportion(&r, tc.total, tc.n, 0.6, 1.5)
		sum := 0
		for _, p := range parts {
			sum += p
		}
		if len(parts) != tc.n || sum != tc.total {
			t.Errorf("apportion(%d, %d) = %d parts summing to %d", tc.total, tc.n, len(parts), sum)
		}
	}
}
