package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// WebMessage is DHIS2's generic JSON envelope (WebMessage.java): the
// reason phrase, the numeric status, an OK/WARNING/ERROR status, an
// optional message, error code and typed response. Null members are left
// out, as DHIS2's Jackson mapper does (NON_NULL).
type WebMessage struct {
	HTTPStatus     string `json:"httpStatus"`
	HTTPStatusCode int    `json:"httpStatusCode"`
	Status         string `json:"status"`
	Message        string `json:"message,omitempty"`
	DevMessage     string `json:"devMessage,omitempty"`
	ErrorCode      string `json:"errorCode,omitempty"`
	Response       any    `json:"response,omitempty"`
}

// newWebMessage builds a WebMessage for an HTTP status with DHIS2's reason
// phrase ("OK", "Created", "Conflict", "Not Found", …).
func newWebMessage(code int, status, message string) *WebMessage {
	return &WebMessage{
		HTTPStatus:     http.StatusText(code),
		HTTPStatusCode: code,
		Status:         status,
		Message:        message,
	}
}

// apiError is an error that maps to a WebMessage. Handlers return it to
// answer with a specific status; any other error becomes a 500.
type apiError struct {
	code      int
	message   string
	errorCode string
	response  any
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.code, e.message) }

// errStatus returns an apiError with DHIS2's ERROR status.
func errStatus(code int, format string, args ...any) *apiError {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
}

// errNotFound is DHIS2's NotFoundException body: 404 with errorCode E1005.
func errNotFound(typeName, uid string) *apiError {
	return &apiError{code: http.StatusNotFound, message: fmt.Sprintf("%s with id %s could not be found.", typeName, uid), errorCode: "E1005"}
}

// writeJSON writes v as JSON with the given status.
func writeJSON(w http.ResponseWriter, code int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(code)
	_, err = w.Write(b)
	return err
}

// writeWebMessage writes m with its own status code.
func writeWebMessage(w http.ResponseWriter, m *WebMessage) error {
	return writeJSON(w, m.HTTPStatusCode, m)
}

// handlerFunc is an API handler that returns an error instead of writing
// it. The adapter maps *apiError values to WebMessages and anything else
// to a 500 WebMessage without leaking internals.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// serveError writes the WebMessage for err. Errors after the header was
// written cannot be reported to the client; they are only logged.
func serveError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		log.Error("emulator request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
		ae = &apiError{code: http.StatusInternalServerError, message: "Internal server error"}
	}
	m := newWebMessage(ae.code, "ERROR", ae.message)
	m.ErrorCode = ae.errorCode
	m.Response = ae.response
	if werr := writeWebMessage(w, m); werr != nil {
		log.Debug("emulator could not write error response", slog.Any("error", werr))
	}
}
