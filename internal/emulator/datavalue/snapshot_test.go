package datavalue

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func allValues(t *testing.T, s *Store) []DataValue {
	t.Helper()
	var out []DataValue
	if err := s.Scan(Query{IncludeDeleted: true}, func(dv *DataValue) error { out = append(out, *dv); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	s := seedStore(t)
	_ = s.Put(DataValue{DataElement: deText, Period: "2024NovQ1", OrgUnit: ouC, CategoryOptionCombo: cocMale, AttributeOptionCombo: cocDef,
		Value: "héllo \"world\"\n", Comment: strings.Repeat("c", 1000), StoredBy: "ünïcode", FollowUp: true, Created: clock, LastUpdated: clock})
	_ = s.Registrations.Put(Registration{DataSet: dsA, Period: "2024-01", OrgUnit: ouA, AttributeOptionCombo: cocDef, Date: clock, StoredBy: "x", Completed: true, LastUpdated: clock})
	s.MinMax.Put(MinMaxValue{OrgUnit: ouA, DataElement: deA, OptionCombo: cocDef, Min: 1, Max: 9, Generated: true})
	_ = s.LockExceptions.Add(LockException{DataSet: dsA, Period: "202401", OrgUnit: ouA})
	_ = s.Approvals.Put(Approval{Workflow: "wf000000001", Period: "202401", OrgUnit: ouA, AttributeOptionCombo: cocDef, State: "APPROVED_HERE", ApprovedBy: "boss", ApprovedAt: clock})

	var buf bytes.Buffer
	if err := s.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	r := New()
	_ = r.Put(DataValue{DataElement: "gone0000001", Period: "2020", OrgUnit: ouA, CategoryOptionCombo: cocDef, AttributeOptionCombo: cocDef, Value: "1"})
	if err := r.Restore(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if got, want := allValues(t, r), allValues(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("restored values differ:\n got %d values\nwant %d values", len(got), len(want))
	}
	if a, b := r.Registrations.List(RegistrationQuery{}), s.Registrations.List(RegistrationQuery{}); !equalTimes(a, b) {
		t.Errorf("registrations %+v, want %+v", a, b)
	}
	if !reflect.DeepEqual(r.MinMax.List(), s.MinMax.List()) || !reflect.DeepEqual(r.LockExceptions.List(), s.LockExceptions.List()) {
		t.Error("min-max or lock exceptions differ")
	}
	if a := r.Approvals.List(); len(a) != 1 || a[0].State != "APPROVED_HERE" || !a[0].ApprovedAt.Equal(clock) {
		t.Errorf("approvals %+v", a)
	}
	tot1, live1 := s.Len()
	tot2, live2 := r.Len()
	if tot1 != tot2 || live1 != live2 {
		t.Errorf("Len %d/%d, want %d/%d", tot2, live2, tot1, live1)
	}
	// The restored store keeps working: an import updates a restored value.
	sum := importJSON(t, r, newCatalog(), opts(), `{"dataValues":[`+dv(deA, "202401", ouA, "77")+`]}`)
	if sum.Updated != 1 {
		t.Errorf("import after restore: %+v", countsOf(sum))
	}
}

func equalTimes(a, b []Registration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !x.Date.Equal(y.Date) || !x.LastUpdated.Equal(y.LastUpdated) {
			return false
		}
		x.Date, y.Date, x.LastUpdated, y.LastUpdated = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if x != y {
			return false
		}
	}
	return true
}

func TestRestoreRejectsBadInput(t *testing.T) {
	t.Parallel()
	s := seedStore(t)
	var buf bytes.Buffer
	if err := s.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	tests := map[string][]byte{
		"empty":     nil,
		"not ours":  []byte("PK\x03\x04 something else entirely"),
		"truncated": good[:len(good)/2],
		"no tail":   good[:len(good)-10],
	}
	for name, data := range tests {
		r := New()
		_ = r.Put(DataValue{DataElement: deA, Period: "2020", OrgUnit: ouA, CategoryOptionCombo: cocDef, AttributeOptionCombo: cocDef, Value: "1"})
		if err := r.Restore(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: Restore succeeded", name)
		}
		if total, _ := r.Len(); total != 1 {
			t.Errorf("%s: a failed Restore changed the store", name)
		}
	}
}

func TestSmallStores(t *testing.T) {
	t.Parallel()
	s := New()
	s.MinMax.Put(MinMaxValue{OrgUnit: ouB, DataElement: deA, OptionCombo: cocDef, Min: 1, Max: 5})
	s.MinMax.Put(MinMaxValue{OrgUnit: ouA, DataElement: deA, OptionCombo: cocDef, Min: 2, Max: 6})
	s.MinMax.Put(MinMaxValue{OrgUnit: ouA, DataElement: deA, OptionCombo: cocDef, Min: 3, Max: 7})
	if l := s.MinMax.List(); len(l) != 2 || l[0].OrgUnit != ouB || l[1].Min != 3 {
		t.Errorf("min-max list %+v", l)
	}
	if v, ok := s.MinMax.Get(ouA, deA, cocDef); !ok || v.Max != 7 {
		t.Errorf("min-max get %+v", v)
	}
	if !s.MinMax.Delete(ouA, deA, cocDef) || s.MinMax.Delete(ouA, deA, cocDef) {
		t.Error("min-max delete")
	}

	le := s.LockExceptions
	for _, ou := range []string{ouA, ouB} {
		if err := le.Add(LockException{DataSet: dsA, Period: "2024-01", OrgUnit: ou}); err != nil {
			t.Fatal(err)
		}
	}
	if err := le.Add(LockException{DataSet: dsA, Period: "bad"}); err == nil {
		t.Error("bad period accepted")
	}
	if !le.Has(LockException{DataSet: dsA, Period: "202401", OrgUnit: ouA}) {
		t.Error("Has with canonical period")
	}
	if n := le.Remove(dsA, "202401", ouA); n != 1 || len(le.List()) != 1 {
		t.Errorf("remove one: %d %v", n, le.List())
	}
	_ = le.Add(LockException{DataSet: dsA, Period: "202401", OrgUnit: ouC})
	if n := le.Remove(dsA, "202401", ""); n != 2 || len(le.List()) != 0 {
		t.Errorf("remove all org units: %d", n)
	}

	ap := s.Approvals
	if err := ap.Put(Approval{Workflow: "wf1", Period: "2024Q1", OrgUnit: ouA, AttributeOptionCombo: cocDef, State: "ACCEPTED_HERE"}); err != nil {
		t.Fatal(err)
	}
	if a, ok := ap.Get("wf1", "2024Q1", ouA, cocDef); !ok || a.State != "ACCEPTED_HERE" {
		t.Errorf("approval get %+v", a)
	}
	if !ap.Delete("wf1", "2024Q1", ouA, cocDef) || len(ap.List()) != 0 {
		t.Error("approval delete")
	}
}

// TestConcurrentUse runs imports, scans, snapshots and registrations at the
// same time (meaningful under -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s, cat := New(), newCatalog()
	body := set12(nil)
	done := make(chan error, 8)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 20; i++ {
				if _, err := s.ImportJSON(strings.NewReader(body), cat, opts()); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		go func() {
			for i := 0; i < 20; i++ {
				_ = s.Scan(Query{}, func(dv *DataValue) error { _ = dv.Value; return nil })
				_ = s.Snapshot(&bytes.Buffer{})
				_ = s.Registrations.List(RegistrationQuery{})
			}
			done <- nil
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if total, live := s.Len(); total != 12 || live != 12 {
		t.Errorf("Len = %d/%d", total, live)
	}
}

func TestStats(t *testing.T) {
	t.Parallel()
	s := seedStore(t)
	st := s.Stats()
	if st.Values != 40 || st.Live != 34 || st.Identifiers != 6 || st.Periods != 5 || st.TextBytes == 0 || st.WastedBytes != 0 {
		t.Errorf("Stats = %+v", st)
	}
	_ = s.Put(DataValue{DataElement: deA, Period: "202401", OrgUnit: ouA, CategoryOptionCombo: cocDef, AttributeOptionCombo: cocDef, Value: "something new"})
	if st := s.Stats(); st.WastedBytes == 0 || st.Values != 40 {
		t.Errorf("after replace: %+v", st)
	}
}
