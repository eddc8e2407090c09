package dhis2

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
)

// transportError classifies an error of http.Client.Do or of a body read.
func (c *Client) transportError(op string, ctx context.Context, err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errAttemptTimeout):
		return c.newError(op, KindTimeout, 0, fmt.Errorf("%w (%s)", errAttemptTimeout, c.cfg.Timeout))
	case errors.Is(cause, errIdleTimeout):
		return c.newError(op, KindTimeout, 0, fmt.Errorf("%w (%s)", errIdleTimeout, c.cfg.IdleTimeout))
	case cause != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil):
		return c.newError(op, KindCanceled, 0, cause)
	}
	return c.newError(op, classifyNetError(err), 0, redactedError{err, c.red})
}

// classifyNetError maps a transport error to a kind.
func classifyNetError(err error) ErrorKind {
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return KindTimeout
		}
		return KindDNS
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &certErr),
		errors.As(err, &verifyErr), errors.As(err, &recErr), errors.As(err, &alert):
		return KindTLS
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindConnRefused
	case errors.Is(err, io.ErrUnexpectedEOF):
		return KindTruncated
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return KindTimeout
	}
	if strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:") {
		return KindTLS
	}
	return KindNetwork
}

// redactedError keeps the cause for errors.Is/As but prints it redacted.
type redactedError struct {
	err error
	red *redactor
}

func (r redactedError) Error() string { return r.red.redact(r.err.Error()) }
func (r redactedError) Unwrap() error { return r.err }
