package dhis2_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// fakeDHIS2 answers the few calls of the example like a DHIS2 2.40 server.
func fakeDHIS2() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/dhis/api/system/info":
			fmt.Fprint(w, `{"version":"2.40.3.1","revision":"6f7a1b2","serverTimeZoneId":"Africa/Freetown","serverDate":"2024-02-12T09:50:11.794"}`)
		case "/dhis/api/dataElements":
			if r.URL.Query().Get("page") == "1" {
				fmt.Fprint(w, `{"pager":{"page":1,"pageCount":2,"total":3,"pageSize":2},"dataElements":[{"id":"fbfJHSPpUQD"},{"id":"cYeuwXTCPkU"}]}`)
			} else {
				fmt.Fprint(w, `{"pager":{"page":2,"pageCount":2,"total":3,"pageSize":2},"dataElements":[{"id":"Jtf34kNZhzP"}]}`)
			}
		case "/dhis/api/metadata":
			w.WriteHeader(http.StatusConflict)
			fmt.Fprint(w, `{"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING","response":{"responseType":"ImportReport","status":"ERROR",`+
				`"stats":{"created":0,"updated":0,"deleted":0,"ignored":1,"total":1},"typeReports":[{"klass":"org.hisp.dhis.dataset.DataSet",`+
				`"objectReports":[{"klass":"org.hisp.dhis.dataset.DataSet","index":0,"uid":"lyLU2wR22tC","errorReports":[{"errorCode":"E5002","message":"Invalid reference"}]}]}]}}`)
		default:
			http.NotFound(w, r)
		}
	}))
}

// Example shows the client as the sync engine uses it: check the server,
// page through a list, import a payload and read the typed result.
func Example() {
	srv := fakeDHIS2()
	defer srv.Close()

	c, err := dhis2.New(dhis2.Config{
		Name:     "source",
		BaseURL:  srv.URL + "/dhis/", // context path, trailing slash: both fine
		Username: "admin",
		Password: "district",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	si, err := c.SystemInfo(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("version:", si.Version, "at least 2.38:", si.Version.AtLeast(38), "zone:", si.ServerTimeZoneID)

	for raw, err := range c.List(ctx, "dataElements", nil, dhis2.ListOptions{Key: "dataElements", PageSize: 2}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		var de struct{ ID string }
		_ = json.Unmarshal(raw, &de)
		fmt.Println("data element:", de.ID)
	}

	body := dhis2.JSONBody(map[string]any{"dataSets": []any{map[string]string{"id": "lyLU2wR22tC"}}})
	body.Idempotent = true // keyed by UID with CREATE_AND_UPDATE: safe to re-send
	res, err := c.ImportMetadata(ctx, body, nil)
	switch {
	case errors.Is(err, dhis2.ErrUnknownOutcome):
		fmt.Println("unknown outcome: reconcile before retrying")
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println(res.Summary())
		for _, e := range res.Errors {
			fmt.Println(e.Type, e.UID, e.Code)
		}
	}
	// Output:
	// version: 2.40.3.1 at least 2.38: true zone: Africa/Freetown
	// data element: fbfJHSPpUQD
	// data element: cYeuwXTCPkU
	// data element: Jtf34kNZhzP
	// ERROR: 0 created, 0 updated, 0 deleted, 1 ignored (1 error)
	// DataSet lyLU2wR22tC E5002
}
