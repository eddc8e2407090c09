package transform

import (
	"fmt"
	"testing"
)

// syntheticPayload builds a canonical payload of n data elements, n/10 org
// units with point geometry, n/100 users and visualizations, all shared.
func syntheticPayload(n int) Payload {
	sharing := func(i int) map[string]any {
		return map[string]any{"owner": "ownerAAAAAA", "public": "rw------",
			"users":      map[string]any{},
			"userGroups": map[string]any{fmt.Sprintf("g%010d", i%7): map[string]any{"id": fmt.Sprintf("g%010d", i%7), "access": "rwrw----"}}}
	}
	p := Payload{}
	for i := range n {
		p["dataElements"] = append(p["dataElements"], map[string]any{
			"id": fmt.Sprintf("de%09d", i), "name": fmt.Sprintf("DE %d", i), "valueType": "NUMBER", "sharing": sharing(i),
			"translations": []any{map[string]any{"property": "NAME", "locale": "fr", "value": "x"}},
		})
	}
	for i := range n / 10 {
		p["organisationUnits"] = append(p["organisationUnits"], map[string]any{
			"id": fmt.Sprintf("ou%09d", i), "name": fmt.Sprintf("OU %d", i),
			"geometry": map[string]any{"type": "Point", "coordinates": []any{-11.5, 8.25}},
		})
	}
	for i := range n / 100 {
		p["users"] = append(p["users"], map[string]any{"id": fmt.Sprintf("us%09d", i), "username": fmt.Sprintf("u%d", i),
			"userRoles": []any{ref("roleAAAAAAA")}})
		p["visualizations"] = append(p["visualizations"], map[string]any{"id": fmt.Sprintf("vi%09d", i), "type": "COLUMN",
			"columnDimensions": []any{"dx"}, "rowDimensions": []any{"pe"}, "sharing": sharing(i),
			"legend": map[string]any{"set": ref("lsAAAAAAAAA"), "strategy": "FIXED"}})
	}
	return p
}

// BenchmarkFromCanonical measures lowering a 10,000-data-element payload
// (the size of a seeded demo instance's metadata) to each version; it
// reports objects per second.
func BenchmarkFromCanonical(b *testing.B) {
	base := syntheticPayload(10000)
	objects := 0
	for _, objs := range base {
		objects += len(objs)
	}
	for _, ver := range []string{"2.30", "2.35", "2.40", "2.42"} {
		b.Run(ver, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				p := Clone(base)
				b.StartTimer()
				if _, err := FromCanonical(p, v(ver)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(objects*b.N)/b.Elapsed().Seconds(), "objects/s")
		})
	}
}

// BenchmarkProjectHash measures the verifier's per-object cost.
func BenchmarkProjectHash(b *testing.B) {
	p := syntheticPayload(1000)
	objs := p["dataElements"]
	for b.Loop() {
		for _, o := range objs {
			_ = Hash(Project("dataElements", o))
		}
	}
	b.ReportMetric(float64(len(objs)*b.N)/b.Elapsed().Seconds(), "objects/s")
}
