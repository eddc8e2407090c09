package emulator

import (
	"strings"
	"testing"
)

func TestCompleteDataSetRegistrations(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2.36", "2.40"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			h := newDVHarness(t, Options{Version: v})
			body := `{"completeDataSetRegistrations":[{"dataSet":"DSaaaaaaaaa","period":"202401","organisationUnit":"OUchild0001","date":"2024-02-03","storedBy":"clerk"},
			{"dataSet":"DSaaaaaaaaa","period":"202401","organisationUnit":"NOPEnope001"}]}`
			code, m, raw := h.do(t, "POST", "/api/completeDataSetRegistrations", body)
			sum := m
			if v == "2.40" {
				// DHIS2 reports SUCCESS when at least one registration was
				// applied, even with conflicts, so the wrapper is 200 OK.
				if code != 200 || m["status"] != "OK" || m["httpStatus"] != "OK" {
					t.Fatalf("wrapped: %d %s", code, raw)
				}
				sum = m["response"].(map[string]any)
			} else if code != 200 {
				t.Fatalf("plain: %d %s", code, raw)
			}
			if sum["importCount"].(map[string]any)["imported"] != 1.0 || len(sum["conflicts"].([]any)) != 1 {
				t.Fatalf("summary: %s", raw)
			}
			_, _, raw = h.do(t, "GET", "/api/completeDataSetRegistrations?dataSet=DSaaaaaaaaa&period=202401&orgUnit=OUroot00001&children=true", "")
			if !strings.Contains(raw, `"organisationUnit":"OUchild0001"`) || !strings.Contains(raw, `"date":"2024-02-03"`) || !strings.Contains(raw, `"storedBy":"clerk"`) {
				t.Fatalf("export: %s", raw)
			}
			code, _, _ = h.do(t, "DELETE", "/api/completeDataSetRegistrations?ds=DSaaaaaaaaa&pe=202401&ou=OUchild0001", "")
			_, _, raw = h.do(t, "GET", "/api/completeDataSetRegistrations?dataSet=DSaaaaaaaaa&period=202401&orgUnit=OUchild0001", "")
			if code != 204 || strings.Contains(raw, "OUchild0001") {
				t.Fatalf("delete: %d, then %s", code, raw)
			}
			if c := h.e.WriteCounts().Registrations; c.Imported != 1 || c.Deleted != 1 {
				t.Fatalf("counts %+v", c)
			}
		})
	}
}

func TestDataApprovals(t *testing.T) {
	t.Parallel()
	h := newDVHarness(t, Options{})
	q := "?wf=WFaaaaaaaaa&pe=202401&ou=OUchild0001"
	steps := []struct {
		method, path string
		code         int
		state        string
	}{
		{"GET", "/api/dataApprovals" + q, 200, "UNAPPROVED_READY"},
		{"DELETE", "/api/dataApprovals" + q, 409, ""},
		{"POST", "/api/dataApprovals" + q, 204, ""},
		{"GET", "/api/dataApprovals" + q, 200, "APPROVED_HERE"},
		{"POST", "/api/dataApprovals" + q, 409, ""},
		{"POST", "/api/dataAcceptances" + q, 204, ""},
		{"GET", "/api/dataApprovals" + q, 200, "ACCEPTED_HERE"},
		{"DELETE", "/api/dataAcceptances" + q, 204, ""},
		{"DELETE", "/api/dataApprovals" + q, 204, ""},
		{"GET", "/api/dataApprovals" + q, 200, "UNAPPROVED_READY"},
		{"GET", "/api/dataApprovals?wf=NOPEnope001&pe=202401&ou=OUchild0001", 409, ""},
		{"POST", "/api/dataApprovals/approvals", 204, ""},
		{"GET", "/api/dataApprovals?wf=WFaaaaaaaaa&pe=202402&ou=OUchild0002", 200, "APPROVED_HERE"},
	}
	for i, s := range steps {
		body := ""
		if strings.HasSuffix(s.path, "/approvals") && s.method == "POST" {
			body = `{"wf":["WFaaaaaaaaa"],"pe":["202402"],"approvals":[{"ou":"OUchild0002"}]}`
		}
		code, m, raw := h.do(t, s.method, s.path, body)
		if code != s.code || (s.state != "" && m["state"] != s.state) {
			t.Fatalf("step %d %s %s: %d %s, want %d %s", i, s.method, s.path, code, raw, s.code, s.state)
		}
	}
	if n := h.e.WriteCounts().Approvals; n != 5 {
		t.Fatalf("approval writes %d, want 5", n)
	}
	_, _, raw := h.do(t, "GET", "/api/dataApprovals/approvals?wf=WFaaaaaaaaa&pe=202401,202402&ou=OUchild0002", "")
	if strings.Count(raw, `"state"`) != 2 || !strings.Contains(raw, `"permissions"`) {
		t.Fatalf("bulk status: %s", raw)
	}
}

func TestMinMaxAndLockExceptions(t *testing.T) {
	t.Parallel()
	h := newDVHarness(t, Options{})
	mm := `{"min":1,"max":90,"generated":false,"source":{"id":"OUchild0001"},"dataElement":{"id":"DEnumber001"},"optionCombo":{"id":"HllvX50cXC0"}}`
	if code, _, raw := h.do(t, "POST", "/api/minMaxDataElements", mm); code != 201 {
		t.Fatalf("post min-max: %d %s", code, raw)
	}
	if code, _, raw := h.do(t, "POST", "/api/minMaxDataElements", `{"min":1,"source":{"id":"OUchild0001"}}`); code != 409 {
		t.Fatalf("incomplete min-max: %d %s", code, raw)
	}
	_, m, raw := h.do(t, "GET", "/api/minMaxDataElements?filter=source.id:eq:OUchild0001&filter=dataElement.id:in:[DEnumber001,x]", "")
	if list := m["minMaxDataElements"].([]any); len(list) != 1 || m["pager"] == nil {
		t.Fatalf("list: %s", raw)
	}
	_, m, _ = h.do(t, "GET", "/api/minMaxDataElements?filter=source.id:eq:OUchild0002&paging=false", "")
	if list := m["minMaxDataElements"].([]any); len(list) != 0 || m["pager"] != nil {
		t.Fatalf("filtered, unpaged: %v", m)
	}
	if code, _, _ := h.do(t, "DELETE", "/api/minMaxDataElements", mm); code != 204 {
		t.Fatalf("delete min-max: %d", code)
	}
	if code, _, _ := h.do(t, "DELETE", "/api/minMaxDataElements", mm); code != 404 {
		t.Fatalf("delete again: %d", code)
	}

	if code, m, raw := h.do(t, "POST", "/api/lockExceptions?ds=DSaaaaaaaaa&pe=202401&ou=OUchild0001,OUchild0002", ""); code != 201 || m["httpStatus"] != "Created" {
		t.Fatalf("post lock exception: %d %s", code, raw)
	}
	if code, _, _ := h.do(t, "POST", "/api/lockExceptions?ds=NOPEnope001&pe=202401&ou=OUchild0001", ""); code != 409 {
		t.Fatalf("unknown data set: %d", code)
	}
	_, m, raw = h.do(t, "GET", "/api/lockExceptions", "")
	if list := m["lockExceptions"].([]any); len(list) != 2 {
		t.Fatalf("list: %s", raw)
	}
	h.do(t, "DELETE", "/api/lockExceptions?ds=DSaaaaaaaaa&pe=202401", "")
	_, m, _ = h.do(t, "GET", "/api/lockExceptions", "")
	if list := m["lockExceptions"].([]any); len(list) != 0 {
		t.Fatalf("after delete: %v", list)
	}
	c := h.e.WriteCounts()
	if c.MinMax != 2 || c.LockExceptions != 4 {
		t.Fatalf("counts %+v", c)
	}
}
