package system

import (
	"errors"
	"fmt"
)

// Kind classifies an Error by the HTTP status DHIS2 answers with.
type Kind uint8

// Error kinds.
const (
	KindBadRequest Kind = iota + 1 // 400
	KindForbidden                  // 403
	KindNotFound                   // 404
	KindConflict                   // 409
	KindTooLarge                   // 413
)

// Error is a refusal DHIS2 reports as a WebMessage: its kind (the HTTP
// status), the message DHIS2 writes and, where the version sets one, the
// error code (E1004, E1005, E1119, …).
type Error struct {
	Kind    Kind
	Message string
	Code    string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

func newError(k Kind, code, format string, args ...any) *Error {
	return &Error{Kind: k, Code: code, Message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *Error {
	return newError(KindBadRequest, "", format, args...)
}

func forbidden(format string, args ...any) *Error {
	return newError(KindForbidden, "", format, args...)
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// codes returns the error codes of not-found and conflict answers: E1005
// and E1004 from 2.40 (org.hisp.dhis.feedback exceptions), none before.
func (s *System) codes() (notFound, conflict string) {
	if s.prof.FeedbackErrorCodes {
		return "E1005", "E1004"
	}
	return "", ""
}

func (s *System) notFound(format string, args ...any) *Error {
	nf, _ := s.codes()
	return newError(KindNotFound, nf, format, args...)
}

func (s *System) conflict(format string, args ...any) *Error {
	_, c := s.codes()
	return newError(KindConflict, c, format, args...)
}
