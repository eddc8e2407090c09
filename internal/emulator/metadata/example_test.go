package metadata_test

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/metadata"
	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// Example imports a payload the way POST /api/metadata does, then lists it
// the way GET /api/dataElements does.
func Example() {
	p := profile.MustFor("2.40")
	store, err := metadata.New(metadata.Options{Profile: p})
	if err != nil {
		fmt.Println(err)
		return
	}
	body := `{"dataElements":[{"id":"deExample01","name":"ANC visits","shortName":"ANC",
	  "valueType":"INTEGER_ZERO_OR_POSITIVE","aggregationType":"SUM","domainType":"AGGREGATE"}],
	  "dataSets":[{"id":"dsExample01","name":"ANC","shortName":"ANC","periodType":"Monthly",
	  "dataSetElements":[{"dataElement":{"id":"deExample01"},"dataSet":{"id":"dsExample01"}}],
	  "organisationUnits":[{"id":"ouMissing01"}]}]}`
	q, _ := url.ParseQuery("atomicMode=ALL")
	report, err := store.Import(strings.NewReader(body), metadata.ParseImportParams(q, p))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(report.Status, report.ErrorCodes(), store.Exists("dataElements", "deExample01"))

	q, _ = url.ParseQuery("atomicMode=NONE")
	report, _ = store.Import(strings.NewReader(body), metadata.ParseImportParams(q, p))
	fmt.Println(report.Status, report.Stats.Created)

	list, _ := store.List("dataElements", metadata.ParseListParams(url.Values{"fields": {"id,name,categoryCombo[name]"}, "paging": {"false"}}, ""))
	_ = store.WriteList(os.Stdout, "dataElements", metadata.ListParams{Fields: "id,valueType", Filters: []string{"name:ilike:anc"}, Paging: true})
	fmt.Println()
	fmt.Println(list.Objects[0]["categoryCombo"])
	// Output:
	// ERROR [E5002] false
	// WARNING 2
	// {"pager":{"page":1,"pageCount":1,"total":1,"pageSize":50},"dataElements":[{"id":"deExample01","valueType":"INTEGER_ZERO_OR_POSITIVE"}]}
	// map[name:default]
}
