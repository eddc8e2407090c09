package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// benchTrackerMetadata is a small tracker program: one TET with two
// attributes, a tracker program with a repeatable stage, ten facilities.
func benchTrackerMetadata() map[string]any {
	ref := func(id string) obj { return obj{"id": id} }
	ous := []any{obj{"id": "BenchRoot00", "name": "Bench root", "shortName": "Bench root", "openingDate": "1970-01-01"}}
	var ouRefs []any
	for i := range 10 {
		id := fmt.Sprintf("BenchOu%04d", i)
		ous = append(ous, obj{"id": id, "name": "Bench " + id, "shortName": id, "openingDate": "1970-01-01", "parent": ref("BenchRoot00")})
		ouRefs = append(ouRefs, ref(id))
	}
	return map[string]any{
		"organisationUnits": ous,
		"trackedEntityAttributes": []any{
			obj{"id": "BenchName01", "name": "Bench name", "shortName": "Bench name", "valueType": "TEXT", "aggregationType": "NONE"},
			obj{"id": "BenchAge001", "name": "Bench age", "shortName": "Bench age", "valueType": "INTEGER_ZERO_OR_POSITIVE", "aggregationType": "NONE"}},
		"dataElements": []any{obj{"id": "BenchDeW001", "name": "Bench weight", "shortName": "Bench weight", "valueType": "NUMBER",
			"domainType": "TRACKER", "aggregationType": "NONE"}},
		"trackedEntityTypes": []any{obj{"id": "BenchTet001", "name": "Bench person", "shortName": "Bench person"}},
		"programs": []any{obj{"id": "BenchProg01", "name": "Bench program", "shortName": "Bench program", "programType": "WITH_REGISTRATION",
			"trackedEntityType": ref("BenchTet001"), "organisationUnits": ouRefs,
			"programTrackedEntityAttributes": []any{obj{"trackedEntityAttribute": ref("BenchAge001")}}}},
		"programStages": []any{obj{"id": "BenchStage1", "name": "Bench visit", "shortName": "Bench visit", "program": ref("BenchProg01"),
			"repeatable": true, "programStageDataElements": []any{obj{"dataElement": ref("BenchDeW001")}}}},
	}
}

// benchTEs builds n tracked entities (from offset), each with one
// enrollment and two events, in the nested /api/tracker shape.
func benchTEs(offset, n int) []byte {
	tes := make([]any, 0, n)
	for i := offset; i < offset+n; i++ {
		ou := fmt.Sprintf("BenchOu%04d", i%10)
		events := []any{}
		for v := range 2 {
			events = append(events, obj{"event": fmt.Sprintf("BEv%07d%d", i, v), "programStage": "BenchStage1", "orgUnit": ou,
				"occurredAt": "2024-02-0" + fmt.Sprint(v+1), "status": "COMPLETED",
				"dataValues": []any{obj{"dataElement": "BenchDeW001", "value": fmt.Sprint(50 + i%30)}}})
		}
		tes = append(tes, obj{"trackedEntity": fmt.Sprintf("BTe%08d", i), "trackedEntityType": "BenchTet001", "orgUnit": ou,
			"attributes": []any{obj{"attribute": "BenchName01", "value": fmt.Sprintf("Person %d", i)}},
			"enrollments": []any{obj{"enrollment": fmt.Sprintf("BEn%08d", i), "program": "BenchProg01", "orgUnit": ou,
				"enrolledAt": "2024-01-15", "attributes": []any{obj{"attribute": "BenchAge001", "value": fmt.Sprint(18 + i%40)}},
				"events": events}}})
	}
	b, _ := json.Marshal(obj{"trackedEntities": tes})
	return b
}

func benchServer(b *testing.B) *emulatortest.Server {
	srv := emulatortest.Start(b, emulator.Options{Version: "2.42"})
	body, _ := json.Marshal(benchTrackerMetadata())
	resp := srv.Do(b, http.MethodPost, "/api/metadata", bytes.NewReader(body))
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("metadata: HTTP %d", resp.StatusCode)
	}
	return srv
}

func benchPost(b *testing.B, srv *emulatortest.Server, body []byte) {
	resp := srv.Do(b, http.MethodPost, "/api/tracker?async=false", bytes.NewReader(body))
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("import: HTTP %d %.500s", resp.StatusCode, out)
	}
}

// BenchmarkTrackerImport posts batches of 500 tracked entities (each with
// an enrollment and two events) synchronously over loopback and reports
// tracked entities and objects per second.
func BenchmarkTrackerImport(b *testing.B) {
	const batch = 500
	srv := benchServer(b)
	bodies := make([][]byte, 0, b.N)
	for i := range b.N {
		bodies = append(bodies, benchTEs(i*batch, batch))
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		benchPost(b, srv, bodies[i])
	}
	sec := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N*batch)/sec, "TEs/s")
	b.ReportMetric(float64(b.N*batch*4)/sec, "objects/s")
}

// BenchmarkTrackerExport pages through 20,000 stored tracked entities
// (pageSize 1000, fields=* with enrollments and events) over loopback
// and reports tracked entities per second.
func BenchmarkTrackerExport(b *testing.B) {
	const total, pageSize = 20000, 1000
	srv := benchServer(b)
	for off := 0; off < total; off += 2000 {
		benchPost(b, srv, benchTEs(off, 2000))
	}
	b.ResetTimer()
	start := time.Now()
	n := 0
	for range b.N {
		for page := 1; page <= total/pageSize; page++ {
			path := fmt.Sprintf("/api/tracker/trackedEntities?trackedEntityType=BenchTet001&orgUnits=BenchRoot00&orgUnitMode=DESCENDANTS"+
				"&fields=*,enrollments[*,events[*]]&pageSize=%d&page=%d", pageSize, page)
			resp := srv.Do(b, http.MethodGet, path, nil)
			var body struct {
				TrackedEntities []json.RawMessage `json:"trackedEntities"`
			}
			err := json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("page %d: HTTP %d %v", page, resp.StatusCode, err)
			}
			n += len(body.TrackedEntities)
		}
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "TEs/s")
}
