// Package emulator is d2sync's built-in DHIS2 server: a faithful
// emulation of the DHIS2 Web API of versions 2.30 to 2.42, used by tests,
// benchmarks and the demo (d2sync emulate).
//
// An Emulator is an http.Handler built by New from Options. Every
// version-dependent behaviour reads internal/emulator/profile; the
// metadata engine (internal/emulator/metadata), the data-value store
// (internal/emulator/datavalue) and the seeds (internal/emulator/seed)
// are separate packages this one wires to HTTP.
//
// The HTTP pipeline of a request is: the admin endpoints (/__emulator/…,
// never faulted nor recorded), fault injection (see ParseFaults and
// Faults), the /api/NN/ version prefix (stripped; NN decides plain or
// wrapped import answers), authentication (Basic, ApiToken per version,
// JSESSIONID session; 401 for API clients and 302 to the login page for
// browsers) and the API routes, each registered with the authority it
// needs. Handlers return errors that become DHIS2 WebMessages.
//
// Test observability: Requests and WriteCounts report what clients did,
// so that a test can assert that a dry run wrote nothing. The sub-package
// emulatortest starts an emulator on an httptest.Server.
package emulator
