package dhis2

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorKind classifies what went wrong when talking to DHIS2. A kind is
// itself an error, so callers match it with errors.Is:
//
//	if errors.Is(err, dhis2.KindUnauthorized) { … }
type ErrorKind int

// Error kinds. Transient kinds (KindTimeout, KindConnRefused, KindNetwork,
// KindRateLimited, KindUnavailable) are retried for requests that are safe
// to repeat; every other kind is permanent.
const (
	KindUnknown      ErrorKind = iota // not classified
	KindConfig                        // invalid client configuration (URL, credentials)
	KindUnauthorized                  // HTTP 401: wrong credentials or expired token
	KindForbidden                     // HTTP 403: the user lacks an authority
	KindLoginPage                     // a login page (redirect or HTML) instead of the API answer
	KindNotDHIS2                      // the URL does not serve the DHIS2 Web API
	KindNotFound                      // HTTP 404 on a resource
	KindBadRequest                    // HTTP 400 or another 4xx the caller must fix
	KindConflict                      // HTTP 409 that carries no import report
	KindTooLarge                      // HTTP 413: the request body exceeds a proxy limit
	KindRateLimited                   // HTTP 429
	KindUnavailable                   // HTTP 502, 503 or 504
	KindServer                        // HTTP 500 and other server errors
	KindTLS                           // TLS handshake or certificate failure
	KindDNS                           // host name not resolvable
	KindConnRefused                   // connection refused
	KindTimeout                       // no answer in time (dial, headers, idle read)
	KindNetwork                       // connection reset or another transport failure
	KindTruncated                     // the response body ended before it was complete
	KindBadResponse                   // a body DHIS2 would not send (malformed or unexpected shape)
	KindRedirect                      // a redirect the client refuses to follow
	KindCanceled                      // the caller's context ended
)

var kindNames = [...]string{
	KindUnknown:      "unknown",
	KindConfig:       "config",
	KindUnauthorized: "unauthorized",
	KindForbidden:    "forbidden",
	KindLoginPage:    "login page",
	KindNotDHIS2:     "not DHIS2",
	KindNotFound:     "not found",
	KindBadRequest:   "bad request",
	KindConflict:     "conflict",
	KindTooLarge:     "too large",
	KindRateLimited:  "rate limited",
	KindUnavailable:  "unavailable",
	KindServer:       "server error",
	KindTLS:          "TLS",
	KindDNS:          "DNS",
	KindConnRefused:  "connection refused",
	KindTimeout:      "timeout",
	KindNetwork:      "network",
	KindTruncated:    "truncated",
	KindBadResponse:  "bad response",
	KindRedirect:     "redirect",
	KindCanceled:     "canceled",
}

// String returns a short lowercase name of the kind.
func (k ErrorKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error makes an ErrorKind usable as an errors.Is target.
func (k ErrorKind) Error() string { return "dhis2: " + k.String() }

// Transient reports whether failures of this kind may succeed when retried.
func (k ErrorKind) Transient() bool {
	switch k {
	case KindTimeout, KindConnRefused, KindNetwork, KindRateLimited, KindUnavailable, KindTruncated:
		return true
	}
	return false
}

// ErrUnknownOutcome is matched (errors.Is) by errors of writes whose effect
// on the server is unknown: the request body was sent completely but the
// answer was lost (timeout, connection reset, a 502/504 from a proxy, or a
// response cut before the result could be parsed). Such a write may or may
// not have been applied; callers must reconcile (read back or re-send an
// idempotent payload) and must never count it as done or as failed.
var ErrUnknownOutcome = errors.New("dhis2: outcome unknown")

// Error is the error returned for every failed interaction with a DHIS2
// instance. Its message names the instance and says what to check. It never
// contains credentials: server messages are passed through Redact.
type Error struct {
	Instance       string    // instance label (Config.Name)
	URL            string    // base URL of the instance, without credentials
	Op             string    // what the client was doing, e.g. "import metadata"
	Kind           ErrorKind // classification, matched by errors.Is
	HTTPStatus     int       // HTTP status, 0 when no response was received
	Code           string    // DHIS2 error code (e.g. "E1005") when the server sent one
	Message        string    // the server's own message (redacted), if any
	Attempts       int       // how many attempts were made
	UnknownOutcome bool      // the request may have been applied (see ErrUnknownOutcome)
	Err            error     // underlying cause, if any
}

// Error formats the message: instance, what happened and what to check.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "DHIS2 instance %q (%s) ", e.Instance, e.URL)
	b.WriteString(e.describe())
	if e.UnknownOutcome {
		fmt.Fprintf(&b, "; the outcome of %q is unknown: the request was sent but its answer was lost, so it may or may not have been applied (reconcile before retrying or counting it)", e.Op)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *Error) describe() string {
	status := ""
	if e.HTTPStatus != 0 {
		status = fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	said := e.serverSaid()
	switch e.Kind {
	case KindConfig:
		return "is misconfigured: " + e.cause()
	case KindUnauthorized:
		return "rejected the credentials" + status + said + ": check the username/password or token (tokens expire, 30 days by default)"
	case KindForbidden:
		return fmt.Sprintf("refused to %s%s%s: the user lacks the authority for this operation; give the DHIS2 user a role with the needed authority (or ALL), or use another user", e.Op, status, said)
	case KindLoginPage:
		return "answered with a login page: the credentials were not accepted or the session expired; check the username/password or token, and that the URL is the DHIS2 server itself (not a single sign-on portal)" + e.causeSuffix()
	case KindNotDHIS2:
		return "does not look like a DHIS2 server" + status + ": " + e.cause() + "; check the URL, including the context path if DHIS2 is not at the root (e.g. https://host/dhis)"
	case KindNotFound:
		return fmt.Sprintf("has no such resource while trying to %s%s%s: check the path, identifiers and the DHIS2 version", e.Op, status, said)
	case KindBadRequest:
		return fmt.Sprintf("rejected the request to %s%s%s: the request is invalid for this DHIS2 version", e.Op, status, said)
	case KindConflict:
		return fmt.Sprintf("reported a conflict while trying to %s%s%s", e.Op, status, said)
	case KindTooLarge:
		return fmt.Sprintf("refused the request body to %s as too large%s: a reverse proxy limit (nginx client_max_body_size, 10 MB in the reference setup) is probably lower than the payload; send smaller chunks or gzip the body", e.Op, status)
	case KindRateLimited:
		return fmt.Sprintf("is rate limiting requests%s while trying to %s: lower the concurrency or try later", status, e.Op)
	case KindUnavailable:
		return fmt.Sprintf("is unavailable%s while trying to %s%s: DHIS2 or its reverse proxy is down, restarting or overloaded; try again later", status, e.Op, said)
	case KindServer:
		return fmt.Sprintf("failed with a server error%s while trying to %s%s: see the DHIS2 server log", status, e.Op, said)
	case KindTLS:
		return "failed the TLS handshake: " + e.cause() + "; the server certificate is not trusted, expired or for another host name: install a certificate from a trusted authority or add its CA to the system trust store"
	case KindDNS:
		return "could not be resolved (DNS lookup failed): " + e.cause() + "; check the host name in the URL and this machine's DNS and network settings"
	case KindConnRefused:
		return "refused the connection: " + e.cause() + "; check that DHIS2 (or its reverse proxy) is running and that the port in the URL is right"
	case KindTimeout:
		return fmt.Sprintf("did not answer in time while trying to %s: %s; the server or the network is slow or down (long imports: use async=true)", e.Op, e.cause())
	case KindNetwork:
		return fmt.Sprintf("dropped the connection while trying to %s: %s; check the network path (proxy, VPN, firewall)", e.Op, e.cause())
	case KindTruncated:
		return fmt.Sprintf("sent an incomplete response while trying to %s%s: %s; the connection dropped or a proxy cut the body", e.Op, status, e.cause())
	case KindBadResponse:
		return fmt.Sprintf("sent an unexpected response while trying to %s%s: %s", e.Op, status, e.cause())
	case KindRedirect:
		return fmt.Sprintf("redirected the request to %s%s: %s", e.Op, status, e.cause())
	case KindCanceled:
		return fmt.Sprintf("was not reached: the request to %s was interrupted (%s)", e.Op, e.cause())
	}
	return fmt.Sprintf("failed while trying to %s%s%s: %s", e.Op, status, said, e.cause())
}

func (e *Error) serverSaid() string {
	if e.Message == "" {
		return ""
	}
	code := ""
	if e.Code != "" {
		code = e.Code + " "
	}
	return fmt.Sprintf("; DHIS2 said: %s%q", code, e.Message)
}

func (e *Error) cause() string {
	if e.Err == nil {
		if e.Message != "" {
			return e.Message
		}
		return e.Kind.String()
	}
	return e.Err.Error()
}

func (e *Error) causeSuffix() string {
	if e.Err == nil {
		return ""
	}
	return " (" + e.Err.Error() + ")"
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches an ErrorKind equal to e.Kind, and ErrUnknownOutcome when the
// outcome of the request is unknown.
func (e *Error) Is(target error) bool {
	if k, ok := target.(ErrorKind); ok {
		return k == e.Kind
	}
	return target == ErrUnknownOutcome && e.UnknownOutcome
}

// KindOf returns the ErrorKind of err, or KindUnknown when err is not a
// *Error.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// IsTransient reports whether err is a transient DHIS2 failure (network
// trouble, 429, 502–504) that a later attempt may not meet.
func IsTransient(err error) bool { return KindOf(err).Transient() }
