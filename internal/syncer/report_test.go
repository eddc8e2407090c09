package syncer

import (
	"bytes"
	"strings"
	"testing"
)

func TestVerificationTableAndClean(t *testing.T) {
	t.Parallel()
	v := &Verification{Items: []VerifyItem{
		{Scope: "metadata", Type: "dataElements", Source: 3, Dest: 3, Match: 3},
		{Scope: "metadata", Type: "indicators", Source: 2, Dest: 2, Match: 1, Differ: 1,
			Details: []VerifyDetail{{Kind: "differ", UID: "abcdefghijk", Name: "ANC", Paths: []string{"numerator"}}}},
	}}
	if v.Clean() {
		t.Fatal("Clean() = true with one differing object")
	}
	var b bytes.Buffer
	if err := v.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "TOTAL") || !strings.Contains(b.String(), "indicators") {
		t.Fatalf("table misses rows:\n%s", b.String())
	}
	b.Reset()
	v.WriteDetails(&b, 10)
	if got := b.String(); got != "* metadata/indicators abcdefghijk (ANC): numerator\n" {
		t.Fatalf("details = %q", got)
	}
	v.Items[1] = VerifyItem{Scope: "metadata", Type: "indicators", Source: 2, Dest: 2, Match: 1, Documented: 1}
	if !v.Clean() {
		t.Fatal("documented differences must not make the verification unclean")
	}
}

func TestWorse(t *testing.T) {
	t.Parallel()
	if Worse(StatusSuccess, StatusPartial) != StatusPartial || Worse(StatusFailed, StatusPartial) != StatusFailed || Worse("", StatusSuccess) != StatusSuccess {
		t.Fatal("Worse ordering is wrong")
	}
}
