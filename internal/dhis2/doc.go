// Package dhis2 is the only code in d2sync that speaks HTTP to a DHIS2
// server. It knows the Web API of versions 2.30 and later: authentication
// (basic and personal access tokens), system info and version parsing,
// paging, streaming decoding, import reports of every version, async job
// polling, and retries on transient failures only.
package dhis2
