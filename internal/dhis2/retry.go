package dhis2

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry policy defaults (RELIABILITY.md principle 5).
const (
	DefaultRetryBase        = time.Second
	DefaultRetryCap         = 60 * time.Second
	DefaultRetryMaxAttempts = 6
	DefaultRetryMaxElapsed  = 15 * time.Minute
)

// RetryPolicy governs retries of transient failures: connection errors,
// HTTP 429 and 502/503/504. Permanent failures (400, 401, 403, 404, 409 …)
// are never retried. GET requests are always safe to retry; writes only
// when their Body is marked Idempotent (or when the request provably never
// left this machine).
//
// The wait before retry n (n = 1 for the first retry) is "full jitter":
// a uniform random duration in [0, min(Cap, Base·2^(n-1))). A Retry-After
// header on 429/503 replaces it when present.
type RetryPolicy struct {
	// Base is the first backoff ceiling; default 1 s.
	Base time.Duration
	// Cap bounds every backoff ceiling; default 60 s.
	Cap time.Duration
	// MaxAttempts is the total number of attempts including the first;
	// default 6. Set 1 to disable retries.
	MaxAttempts int
	// MaxElapsed stops retrying once this much time has passed since the
	// first attempt, or when the next wait would pass it; default 15 min.
	MaxElapsed time.Duration
	// Rand returns a uniform number in [0, 1); it defaults to math/rand/v2.
	// Tests inject a fixed source.
	Rand func() float64
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Base <= 0 {
		p.Base = DefaultRetryBase
	}
	if p.Cap <= 0 {
		p.Cap = DefaultRetryCap
	}
	if p.Cap < p.Base {
		p.Cap = p.Base
	}
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetryMaxAttempts
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = DefaultRetryMaxElapsed
	}
	if p.Rand == nil {
		p.Rand = rand.Float64
	}
	return p
}

// Ceiling returns min(Cap, Base·2^(retry-1)) for retry ≥ 1, the upper bound
// of the jittered wait before that retry.
func (p RetryPolicy) Ceiling(retry int) time.Duration {
	p = p.withDefaults()
	if retry < 1 {
		retry = 1
	}
	d := p.Base
	for i := 1; i < retry; i++ {
		if d >= p.Cap/2 {
			return p.Cap
		}
		d *= 2
	}
	return min(d, p.Cap)
}

// Backoff returns the full-jitter wait before the given retry (≥ 1): a
// uniform duration in [0, Ceiling(retry)).
func (p RetryPolicy) Backoff(retry int) time.Duration {
	p = p.withDefaults()
	c := p.Ceiling(retry)
	r := p.Rand()
	if r < 0 || r >= 1 {
		r = 0
	}
	return time.Duration(r * float64(c))
}

// ParseRetryAfter interprets a Retry-After header value: either delay
// seconds or an HTTP date (relative to now). It reports false when the
// value is absent or invalid. Negative results are clamped to zero.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, true
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
