package tracker

import (
	"encoding/json"
	"testing"
)

// TestAppendJSONMatchesEncodingJSON compares the fast encoder with
// encoding/json on rendered-object shapes and awkward strings.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	tests := []any{
		nil, true, 42, 3.25, 1e21, "plain", "quote \" backslash \\ tab \t nl \n cr \r ctl \x01 é 日本",
		"bad \xff utf8", map[string]any{"b": 1, "a": []any{"x", map[string]any{"z": nil, "y": false}}},
		[]map[string]any{{"k": "v"}}, []any{}, map[string]any{},
	}
	for _, v := range tests {
		want, _ := json.Marshal(v)
		var wantV, gotV any
		json.Unmarshal(want, &wantV)
		got := AppendJSON(nil, v)
		if err := json.Unmarshal(got, &gotV); err != nil {
			t.Errorf("AppendJSON(%#v) = %s: invalid JSON: %v", v, got, err)
			continue
		}
		w2, _ := json.Marshal(wantV)
		g2, _ := json.Marshal(gotV)
		if string(w2) != string(g2) {
			t.Errorf("AppendJSON(%#v) = %s, want %s", v, got, want)
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("a\"b\\c\x00\xff日")
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal(AppendJSON(nil, s), &back); err != nil {
			t.Fatalf("invalid JSON for %q: %v", s, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Fatalf("round trip %q → %q, want %q", s, back, wantBack)
		}
	})
}
