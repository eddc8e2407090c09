// Package e2e holds d2sync's cross-cutting end-to-end tests: they build
// the real d2sync binary once, run it as a subprocess against in-process
// DHIS2 emulators (package emulatortest) and check the promises of
// RELIABILITY.md from the outside: the verifier catches corruption,
// dry runs write nothing, re-runs are idempotent, permanent
// errors are not retried, injected network faults never end in a
// false SUCCESS, one run per pair, no secret
// leaks anywhere (S-01, S-04), TLS and redirects are safe (S-05, S-06),
// and bad input never crashes or hangs the program.
//
// The package has no production code: everything is in _test.go files.
// Heavy cases are skipped with -short. PostgreSQL variants run when
// D2SYNC_TEST_POSTGRES_URL is set (e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable).
package e2e
