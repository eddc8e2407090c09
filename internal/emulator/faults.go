package emulator

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultRule is one fault-injection rule: which requests it matches, how
// often it fires and what it does. At most one action (Status, Reset,
// ResetMidBody, Truncate, Stall, CommitThenReset, CommitThenStall) per
// rule; Latency combines with any action or stands alone.
type FaultRule struct {
	// Methods lists the HTTP methods matched; empty or "*" matches all.
	Methods []string `json:"methods,omitempty"`
	// Path is a glob over the request path: '*' matches any run of
	// characters (slashes included), '?' one character. It is matched
	// against the path as received and with the /api/NN/ version removed.
	Path string `json:"path"`

	// Rate is the probability (0–1] that a matching request is faulted,
	// drawn from a seeded source (Options.FaultSeed); 0 means always.
	Rate float64 `json:"rate,omitempty"`
	// After skips the first After matching requests.
	After int `json:"after,omitempty"`
	// Count stops the rule after it fired Count times; 0 means no limit.
	Count int `json:"count,omitempty"`

	// Latency delays the request (honouring its context), then goes on.
	Latency time.Duration `json:"latency,omitempty"`
	// Status answers with this HTTP status without processing the request.
	Status int `json:"status,omitempty"`
	// RetryAfter sets a Retry-After header (seconds) on Status answers.
	RetryAfter int `json:"retryAfter,omitempty"`
	// Body chooses the error body of Status answers: "json" (a DHIS2
	// WebMessage; default except for 502/504), "html" (an nginx error
	// page; default for 502/504) or "empty".
	Body string `json:"body,omitempty"`
	// Reset closes the connection (TCP RST) before any processing.
	Reset bool `json:"reset,omitempty"`
	// ResetMidBody processes the request, sends the headers and the first
	// Bytes bytes of the body (default 1024, at most half of a shorter
	// body), then resets the connection.
	ResetMidBody bool `json:"resetMidBody,omitempty"`
	Bytes        int  `json:"bytes,omitempty"`
	// Truncate processes the request and announces the full
	// Content-Length but sends only the first Truncate bytes, then closes.
	Truncate int `json:"truncate,omitempty"`
	// Stall hangs for this long (or until the client gives up) before any
	// processing, then closes the connection without an answer.
	Stall time.Duration `json:"stall,omitempty"`
	// CommitThenReset processes (and commits) the request, then resets the
	// connection instead of answering: the "unknown outcome" case.
	CommitThenReset bool `json:"commitThenReset,omitempty"`
	// CommitThenStall processes the request, then hangs for Stall (or, if
	// zero, until the client gives up) and closes without an answer.
	CommitThenStall bool `json:"commitThenStall,omitempty"`
}

// defaultMidBodyBytes is how much of the body reset-mid-body lets through.
const defaultMidBodyBytes = 1024

// Validate reports the first problem of r.
func (r FaultRule) Validate() error {
	if r.Path == "" {
		return fmt.Errorf("fault rule needs a path glob (use * for every path)")
	}
	actions := 0
	for _, on := range []bool{r.Status != 0, r.Reset, r.ResetMidBody, r.Truncate > 0, r.Stall > 0 && !r.CommitThenStall, r.CommitThenReset, r.CommitThenStall} {
		if on {
			actions++
		}
	}
	switch {
	case actions > 1:
		return fmt.Errorf("fault rule %q has %d actions; give one of status, reset, reset-mid-body, truncate, stall, commit-then-reset, commit-then-stall", r.String(), actions)
	case actions == 0 && r.Latency <= 0:
		return fmt.Errorf("fault rule %q does nothing; give latency or one action", r.String())
	case r.Status != 0 && (r.Status < 100 || r.Status > 599):
		return fmt.Errorf("fault rule %q: status %d is not an HTTP status", r.String(), r.Status)
	case r.Rate < 0 || r.Rate > 1:
		return fmt.Errorf("fault rule %q: rate must be between 0 and 1", r.String())
	case r.After < 0 || r.Count < 0 || r.Truncate < 0 || r.Bytes < 0 || r.RetryAfter < 0 || r.Latency < 0 || r.Stall < 0:
		return fmt.Errorf("fault rule %q: numbers and durations must not be negative", r.String())
	case r.Body != "" && r.Body != "json" && r.Body != "html" && r.Body != "empty":
		return fmt.Errorf("fault rule %q: body must be json, html or empty", r.String())
	}
	return nil
}

// String renders r in the fault grammar (see ParseFaults).
func (r FaultRule) String() string {
	var b strings.Builder
	if len(r.Methods) == 0 {
		b.WriteString("*")
	} else {
		b.WriteString(strings.Join(r.Methods, ","))
	}
	b.WriteString(" " + r.Path)
	kv := func(k string, v any) { fmt.Fprintf(&b, " %s=%v", k, v) }
	flag := func(on bool, k string) {
		if on {
			b.WriteString(" " + k)
		}
	}
	if r.Status != 0 {
		kv("status", r.Status)
	}
	if r.RetryAfter != 0 {
		kv("retry-after", r.RetryAfter)
	}
	if r.Body != "" {
		kv("body", r.Body)
	}
	flag(r.Reset, "reset")
	flag(r.ResetMidBody, "reset-mid-body")
	if r.Bytes != 0 {
		kv("bytes", r.Bytes)
	}
	if r.Truncate != 0 {
		kv("truncate", r.Truncate)
	}
	flag(r.CommitThenReset, "commit-then-reset")
	flag(r.CommitThenStall, "commit-then-stall")
	if r.Stall != 0 {
		kv("stall", r.Stall)
	}
	if r.Latency != 0 {
		kv("latency", r.Latency)
	}
	if r.Rate != 0 {
		kv("rate", strconv.FormatFloat(r.Rate, 'g', -1, 64))
	}
	if r.After != 0 {
		kv("after", r.After)
	}
	if r.Count != 0 {
		kv("count", r.Count)
	}
	return b.String()
}

// action names the effect of r for the request log.
func (r FaultRule) action() string {
	switch {
	case r.Status != 0:
		return "status=" + strconv.Itoa(r.Status)
	case r.Reset:
		return "reset"
	case r.ResetMidBody:
		return "reset-mid-body"
	case r.Truncate > 0:
		return "truncate=" + strconv.Itoa(r.Truncate)
	case r.CommitThenReset:
		return "commit-then-reset"
	case r.CommitThenStall:
		return "commit-then-stall"
	case r.Stall > 0:
		return "stall=" + r.Stall.String()
	}
	return ""
}

func (r FaultRule) matches(method string, paths ...string) bool {
	if len(r.Methods) > 0 && !slices.Contains(r.Methods, "*") && !slices.ContainsFunc(r.Methods, func(m string) bool { return strings.EqualFold(m, method) }) {
		return false
	}
	for _, p := range paths {
		if globMatch(r.Path, p) {
			return true
		}
	}
	return false
}

// globMatch matches s against a pattern where '*' is any run of
// characters and '?' any one character.
func globMatch(pattern, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			starP, starS = px, sx
			px++
		case starP >= 0:
			px = starP + 1
			starS++
			sx = starS
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

// FaultStatus is a rule with its counters, as listed by Faults.Rules and
// GET /__emulator/faults.
type FaultStatus struct {
	Rule    FaultRule `json:"rule"`
	Spec    string    `json:"spec"`
	Matched int       `json:"matched"` // requests that matched method and path
	Fired   int       `json:"fired"`   // requests the rule was applied to
}

// Faults is the live set of fault rules of an Emulator. It is safe for
// concurrent use; changes apply to the next request.
type Faults struct {
	mu    sync.Mutex
	rules []*FaultStatus
	rng   *rand.Rand
}

func newFaults(seed uint64) *Faults {
	return &Faults{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Add appends rules after validating all of them.
func (f *Faults) Add(rules ...FaultRule) error {
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range rules {
		f.rules = append(f.rules, &FaultStatus{Rule: r, Spec: r.String()})
	}
	return nil
}

// AddSpec parses spec (see ParseFaults) and appends its rules.
func (f *Faults) AddSpec(spec string) error {
	rules, err := ParseFaults(spec)
	if err != nil {
		return err
	}
	return f.Add(rules...)
}

// Set replaces every rule with rules, resetting the counters.
func (f *Faults) Set(rules ...FaultRule) error {
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	f.Clear()
	return f.Add(rules...)
}

// Clear removes every rule.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// Rules returns a copy of the rules with their counters.
func (f *Faults) Rules() []FaultStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]FaultStatus, len(f.rules))
	for i, r := range f.rules {
		out[i] = *r
	}
	return out
}

// pick decides the fault for one request: the first rule with an action
// that fires, plus the latency of every firing rule. nil means none.
func (f *Faults) pick(method string, paths ...string) *FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out *FaultRule
	var latency time.Duration
	for _, st := range f.rules {
		r := st.Rule
		hasAction := r.action() != ""
		if (hasAction && out != nil) || !r.matches(method, paths...) {
			continue
		}
		st.Matched++
		if st.Matched <= r.After || (r.Count > 0 && st.Fired >= r.Count) {
			continue
		}
		if r.Rate > 0 && f.rng.Float64() >= r.Rate {
			continue
		}
		st.Fired++
		latency += r.Latency
		if hasAction {
			c := r
			out = &c
		}
	}
	if out == nil && latency > 0 {
		out = &FaultRule{}
	}
	if out != nil {
		out.Latency = latency
	}
	return out
}
