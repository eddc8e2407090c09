package emulator

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseFaults parses a fault specification: rules separated by ';' or
// newlines, each "METHODS PATH-GLOB key=value|flag …". METHODS is '*' or
// a comma-separated list (GET,POST). Keys:
//
//	status=N        answer N without processing (retry-after=S adds Retry-After: S;
//	                body=json|html|empty picks the error body)
//	latency=D       delay the request by D (e.g. 200ms), then go on
//	reset           reset the connection before processing
//	reset-mid-body  process, send headers and part of the body (bytes=N, default 1024), reset
//	truncate=N      process, announce the full Content-Length, send N bytes, close
//	stall=D         hang D (or until the client gives up), then close without answer
//	commit-then-reset        process and commit, then reset instead of answering
//	commit-then-stall[=D]    process and commit, then hang (D, or until the client gives up)
//	rate=P          fire with probability P (seeded), after=N skip the first N matches,
//	count=N         fire at most N times
//
// Example: "POST /api/dataValueSets status=503 count=2; * /api/* status=429 retry-after=2 rate=0.1".
// Lines starting with '#' are comments.
func ParseFaults(spec string) ([]FaultRule, error) {
	var out []FaultRule
	for _, line := range strings.FieldsFunc(spec, func(r rune) bool { return r == ';' || r == '\n' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseFaultRule(line)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func parseFaultRule(line string) (FaultRule, error) {
	fields := strings.Fields(line)
	if len(fields) < 3 {
		return FaultRule{}, fmt.Errorf("fault rule %q: expected \"METHOD PATH key=value…\" (e.g. \"POST /api/metadata status=503\")", line)
	}
	var r FaultRule
	if fields[0] != "*" {
		for _, m := range strings.Split(fields[0], ",") {
			r.Methods = append(r.Methods, strings.ToUpper(strings.TrimSpace(m)))
		}
	}
	r.Path = fields[1]
	for _, f := range fields[2:] {
		k, v, hasValue := strings.Cut(f, "=")
		if err := setFaultKey(&r, strings.ToLower(k), v, hasValue); err != nil {
			return FaultRule{}, fmt.Errorf("fault rule %q: %w", line, err)
		}
	}
	if err := r.Validate(); err != nil {
		return FaultRule{}, err
	}
	return r, nil
}

func setFaultKey(r *FaultRule, k, v string, hasValue bool) error {
	flag := func(p *bool) error {
		if hasValue {
			return fmt.Errorf("%s takes no value", k)
		}
		*p = true
		return nil
	}
	switch k {
	case "reset":
		return flag(&r.Reset)
	case "reset-mid-body":
		return flag(&r.ResetMidBody)
	case "commit-then-reset":
		return flag(&r.CommitThenReset)
	case "commit-then-stall":
		r.CommitThenStall = true
		if hasValue {
			return parseDuration(k, v, &r.Stall)
		}
		return nil
	}
	if !hasValue {
		return fmt.Errorf("unknown flag %q (known: reset, reset-mid-body, commit-then-reset, commit-then-stall)", k)
	}
	switch k {
	case "status":
		return parseInt(k, v, &r.Status)
	case "retry-after":
		return parseInt(k, v, &r.RetryAfter)
	case "body":
		r.Body = strings.ToLower(v)
		return nil
	case "bytes":
		return parseInt(k, v, &r.Bytes)
	case "truncate":
		return parseInt(k, v, &r.Truncate)
	case "after":
		return parseInt(k, v, &r.After)
	case "count":
		return parseInt(k, v, &r.Count)
	case "latency":
		return parseDuration(k, v, &r.Latency)
	case "stall":
		return parseDuration(k, v, &r.Stall)
	case "rate":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("rate %q is not a number between 0 and 1", v)
		}
		r.Rate = f
		return nil
	}
	return fmt.Errorf("unknown key %q (known: status, retry-after, body, latency, reset, reset-mid-body, bytes, truncate, stall, commit-then-reset, commit-then-stall, rate, after, count)", k)
}

func parseInt(k, v string, p *int) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%s=%q is not an integer", k, v)
	}
	*p = n
	return nil
}

func parseDuration(k, v string, p *time.Duration) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		if n, nerr := strconv.Atoi(v); nerr == nil {
			*p = time.Duration(n) * time.Second
			return nil
		}
		return fmt.Errorf("%s=%q is not a duration (e.g. 200ms, 2s, 1m)", k, v)
	}
	*p = d
	return nil
}
