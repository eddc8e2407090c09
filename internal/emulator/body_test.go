package emulator

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"testing"
)

func TestImportBodySniffing(t *testing.T) {
	t.Parallel()
	payload := []byte(`{"dataValues":[]}`)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(payload)
	zw.Close()
	var zb bytes.Buffer
	z := zip.NewWriter(&zb)
	f, _ := z.Create("dataValues.json")
	f.Write(payload)
	z.Close()
	cases := []struct {
		name string
		body []byte
		ok   bool
	}{
		{"plain", payload, true},
		{"gzip", gz.Bytes(), true},
		{"zip", zb.Bytes(), true},
		{"broken gzip", []byte{0x1f, 0x8b, 0, 0}, false},
		{"broken zip", []byte("PK\x03\x04garbage"), false},
		{"empty", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/api/dataValueSets", bytes.NewReader(c.body))
			rd, err := importBody(r)
			if !c.ok {
				if err == nil {
					if _, err = io.ReadAll(rd); err == nil {
						t.Fatal("want an error")
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rd)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.body) > 0 && !bytes.Equal(got, payload) {
				t.Fatalf("got %q", got)
			}
		})
	}
}
