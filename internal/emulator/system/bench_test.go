package system

import (
	"fmt"
	"net/url"
	"testing"
)

// BenchmarkDataStoreQuery runs a filtered, ordered, paged query over a
// namespace of 10,000 object values.
func BenchmarkDataStoreQuery(b *testing.B) {
	s := New(Options{Profile: setupProfile("2.42")})
	for i := range 10_000 {
		v := fmt.Sprintf(`{"name":"item %05d","stock":%d,"site":{"region":"R%d"}}`, i, i%97, i%8)
		if _, err := s.DataStore.Create(admin, "stock", fmt.Sprintf("k%05d", i), []byte(v), false); err != nil {
			b.Fatal(err)
		}
	}
	q, err := ParseQuery(url.Values{"fields": {"name,site.region~hoist(region)"}, "filter": {"stock:gt:50", "site.region:eq:R3"}, "order": {"stock:ndesc"}, "pageSize": {"100"}})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := s.DataStore.Query(admin, "stock", q)
		if err != nil || len(res.Entries) == 0 {
			b.Fatalf("%v %d", err, len(res.Entries))
		}
	}
}

// BenchmarkFileUpload stores 100 kB uploads.
func BenchmarkFileUpload(b *testing.B) {
	s := New(Options{Profile: setupProfile("2.41"), StoreDelay: -1})
	content := make([]byte, 100_000)
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		if _, err := s.Files.Upload(admin, Upload{Name: "scan.pdf", ContentType: "application/pdf", Content: content}); err != nil {
			b.Fatal(err)
		}
	}
}
