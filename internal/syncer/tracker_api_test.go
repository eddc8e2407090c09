package syncer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// TestTrackerPageEnvelopes reads pages in every version's envelope and
// refuses a page without paging information (never taken for the last
// page).
func TestTrackerPageEnvelopes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, version, body string
		items               int
		wantErr             bool
	}{
		{"2.36–2.40 instances", "2.40", `{"instances":[{"event":"a"},{"event":"b"}],"page":1,"pageSize":2}`, 2, false},
		{"2.41 pager and flat fields", "2.41", `{"pager":{"page":1,"pageSize":2},"page":1,"events":[{"event":"a"}]}`, 1, false},
		{"2.42 pager", "2.42", `{"pager":{"page":1,"pageSize":2},"events":[]}`, 0, false},
		{"old API pager", "2.35", `{"pager":{"page":1,"pageSize":2},"events":[{"event":"a"}]}`, 1, false},
		{"no pager", "2.42", `{"events":[{"event":"a"}]}`, 0, true},
		{"no list", "2.42", `{"pager":{"page":1}}`, 0, true},
		{"cut", "2.42", `{"pager":{"page":1},"events":[{"event":"a"}`, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			c, err := dhis2.New(dhis2.Config{BaseURL: srv.URL, Username: "a", Password: "b"})
			if err != nil {
				t.Fatal(err)
			}
			a := trkAPI{c: c, v: dhis2.MustParseVersion(tc.version)}
			items, err := a.page(context.Background(), transform.KindEvent, url.Values{}, 1, 2)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %t", err, tc.wantErr)
			}
			if err != nil && !retryableRead(err) {
				t.Errorf("error %v is not retried", err)
			}
			if err == nil && len(items) != tc.items {
				t.Errorf("%d items, want %d", len(items), tc.items)
			}
			if errors.Is(err, errNoPager) != (tc.name == "no pager" || tc.name == "no list") {
				t.Errorf("err = %v", err)
			}
		})
	}
}
