package emulator_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// call sends a request with a body of the given content type ("" = none)
// as the superuser and returns the status and raw body.
func sysCall(t *testing.T, srv *emulatortest.Server, method, path, contentType, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := srv.Request(t, method, path, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return send(t, srv, req)
}

func send(t *testing.T, srv *emulatortest.Server, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := noRedirect(srv).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// callJSON is call with a JSON answer decoded.
func callJSON(t *testing.T, srv *emulatortest.Server, method, path, contentType, body string) (int, map[string]any) {
	t.Helper()
	code, b := sysCall(t, srv, method, path, contentType, body)
	var m map[string]any
	if len(b) > 0 {
		if err := jsonUnmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: answer is not a JSON object (%v): %.300s", method, path, err, b)
		}
	}
	return code, m
}

// upload posts a multipart "file" to path.
func upload(t *testing.T, srv *emulatortest.Server, path, filename, contentType string, content []byte) (int, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + filename + `"`}
	if contentType != "" {
		h["Content-Type"] = []string{contentType}
	}
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(content)
	mw.Close()
	req := srv.Request(t, http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return send(t, srv, req)
}

// message returns the message of a WebMessage answer.
func message(m map[string]any) string {
	s, _ := m["message"].(string)
	return s
}
