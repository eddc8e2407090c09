package emulator_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator"
)

// An emulated DHIS2 2.39 on a test server: the first import fails with an
// injected 503, the retry succeeds, and the counters show one committed
// write of each object.
func ExampleNew() {
	e, err := emulator.New(emulator.Options{Version: "2.39", Faults: "POST /api/metadata status=503 count=1"})
	if err != nil {
		panic(err)
	}
	defer e.Close()
	srv := httptest.NewServer(e)
	defer srv.Close()

	body := `{"dataElements":[{"id":"DEexample01","name":"Consultations","shortName":"Consultations",
	"valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE"}]}`
	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/metadata", strings.NewReader(body))
		req.SetBasicAuth("admin", "district")
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println("created:", e.WriteCounts().Metadata["dataElements"].Created)
	fmt.Println("faulted:", e.Requests()[0].Fault)
	// Output:
	// 503
	// 200
	// created: 1
	// faulted: status=503
}
