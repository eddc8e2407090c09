package seed

import "math"

// rng is a small splitmix64 generator. It is part of this package (rather
// than math/rand) so that the output never changes with the Go version.
type rng struct{ s uint64 }

// mix64 is the splitmix64 finalizer: a bijection on 64-bit values.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// fnv64 hashes a string with FNV-1a.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// seedOf combines a namespace and integer coordinates into one seed.
func seedOf(ns uint64, parts ...int) uint64 {
	h := ns
	for _, p := range parts {
		h = mix64(h ^ (uint64(p) + 0x9e3779b97f4a7c15))
	}
	return h
}

func newRNG(seed uint64) rng { return rng{s: seed} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// intn returns a value in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int(((r.next() >> 32) * uint64(n)) >> 32) }

// between returns an integer in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a value in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// uniform returns a value in [lo, hi).
func (r *rng) uniform(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// normal returns a standard normal deviate (Box-Muller).
func (r *rng) normal() float64 {
	u := r.float()
	if u < 1e-300 {
		u = 1e-300
	}
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}

// poisson returns a Poisson deviate with the given mean (normal
// approximation above 30).
func (r *rng) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		v := math.Round(mean + math.Sqrt(mean)*r.normal())
		return max(int(v), 0)
	}
	limit, p, k := math.Exp(-mean), 1.0, 0
	for {
		p *= r.float()
		if p <= limit {
			return k
		}
		k++
	}
}

// binomial returns a Binomial(n, p) deviate (normal approximation when both
// tails are large).
func (r *rng) binomial(n int, p float64) int {
	switch {
	case n <= 0 || p <= 0:
		return 0
	case p >= 1:
		return n
	case n < 40:
		k := 0
		for range n {
			if r.float() < p {
				k++
			}
		}
		return k
	}
	mean := float64(n) * p
	v := math.Round(mean + math.Sqrt(mean*(1-p))*r.normal())
	return min(max(int(v), 0), n)
}

// pick returns one element of s.
func pick[T any](r *rng, s []T) T { return s[r.intn(len(s))] }
