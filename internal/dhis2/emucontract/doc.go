// Package emucontract holds only tests: it runs the DHIS2 client
// (internal/dhis2) against the built-in emulator for several DHIS2
// versions, so that the client and the emulator keep agreeing on the
// wire formats. It lives apart from internal/dhis2 so that the client's
// own tests never depend on the emulator building.
package emucontract
