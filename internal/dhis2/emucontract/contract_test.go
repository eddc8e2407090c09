package emucontract_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// These tests run the client against the built-in emulator for several
// DHIS2 versions: the typed results must be the same whatever envelope the
// version uses.

func emulatorClient(t *testing.T, version string) (*dhis2.Client, *emulatortest.Server) {
	t.Helper()
	srv := emulatortest.Start(t, emulator.Options{Version: version, TimeZone: "Africa/Freetown", JobDelay: 10 * time.Millisecond})
	c, err := dhis2.New(dhis2.Config{Name: "emu-" + version, BaseURL: srv.URL, Username: srv.Username, Password: srv.Password,
		PollInterval: 5 * time.Millisecond, PollMaxInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestEmulatorContract(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"2.30", "2.36", "2.37.9", "2.38", "2.40.3.1", "2.41", "2.42"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, _ := emulatorClient(t, version)
			si, err := c.SystemInfo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if si.VersionString != version || si.ServerTimeZoneID != "Africa/Freetown" || si.ServerDate.IsZero() {
				t.Errorf("system info = %+v", si)
			}
			me, err := c.Me(ctx)
			if err != nil || !me.CanImportMetadata() || me.Username == "" {
				t.Fatalf("me = %+v, %v", me, err)
			}

			dv := map[string]any{"dataValues": []map[string]any{{"dataElement": "xxxxxxxxxxx", "period": "202401", "orgUnit": "yyyyyyyyyyy", "value": "1"}}}
			res, err := c.ImportDataValues(ctx, dhis2.JSONBody(dv), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status == dhis2.StatusOK || len(res.Conflicts) == 0 || res.Stats.Ignored != 1 {
				t.Errorf("data value import = %s conflicts %+v", res.Summary(), res.Conflicts)
			}
			if dhis2.MustParseVersion(version).AtLeast(37) && res.Conflicts[0].Code == "" {
				t.Errorf("2.37+ conflicts carry an error code: %+v", res.Conflicts[0])
			}
			res, err = c.ImportDataValues(ctx, dhis2.JSONBody(dv), map[string][]string{"async": {"true"}})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Async || res.JobID == "" || res.Stats.Ignored != 1 || len(res.Conflicts) == 0 {
				t.Errorf("async data value import = %s async=%v job=%q", res.Summary(), res.Async, res.JobID)
			}

			good := map[string]any{"dataElements": []map[string]any{
				{"id": "fbfJHSPpUQD", "name": "ANC 1st visit", "shortName": "ANC 1", "valueType": "NUMBER", "aggregationType": "SUM", "domainType": "AGGREGATE"},
				{"id": "cYeuwXTCPkU", "name": "ANC 2nd visit", "shortName": "ANC 2", "valueType": "NUMBER", "aggregationType": "SUM", "domainType": "AGGREGATE"},
			}}
			body := dhis2.JSONBody(good)
			body.Idempotent = true
			res, err = c.ImportMetadata(ctx, body, nil)
			if errors.Is(err, dhis2.KindNotFound) {
				t.Skipf("the emulator does not serve POST /api/metadata yet: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != dhis2.StatusOK || res.Stats.Created != 2 || res.TypeStats["DataElement"].Created != 2 {
				t.Errorf("good import = %s %+v", res.Summary(), res.TypeStats)
			}

			bad := map[string]any{"dataElements": []map[string]any{{"id": "Jtf34kNZhzP", "name": "No short name", "valueType": "NUMBER", "aggregationType": "SUM", "domainType": "AGGREGATE"}}}
			res, err = c.ImportMetadata(ctx, dhis2.JSONBody(bad), map[string][]string{"atomicMode": {"ALL"}})
			if err != nil {
				t.Fatal(err)
			}
			wantHTTP := 200
			if dhis2.MustParseVersion(version).AtLeast(38) {
				wantHTTP = 409
			}
			if res.Status != dhis2.StatusError || res.HTTPStatus != wantHTTP || len(res.Errors) == 0 || res.Errors[0].Code != "E4000" || res.Errors[0].Type != "DataElement" {
				t.Errorf("bad import = %s http %d errors %+v", res.Summary(), res.HTTPStatus, res.Errors)
			}

			async := dhis2.JSONBody(good)
			res, err = c.ImportMetadata(ctx, async, map[string][]string{"async": {"true"}})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Async || res.JobID == "" || res.Status != dhis2.StatusOK || res.Stats.Updated+res.Stats.Ignored != 2 {
				t.Errorf("async import = %s async=%v job=%q", res.Summary(), res.Async, res.JobID)
			}

			var ids []string
			for raw, err := range c.List(ctx, "dataElements", map[string][]string{"fields": {"id"}, "order": {"id:asc"}}, dhis2.ListOptions{Key: "dataElements", PageSize: 1}) {
				if err != nil {
					t.Fatal(err)
				}
				var o struct{ ID string }
				_ = json.Unmarshal(raw, &o)
				ids = append(ids, o.ID)
			}
			if len(ids) != 2 {
				t.Errorf("listed %v, want the 2 data elements", ids)
			}

			n := 0
			sys, err := c.ExportMetadata(ctx, map[string][]string{"dataElements": {"true"}}, func(typ string, _ json.RawMessage) error {
				if typ == "dataElements" {
					n++
				}
				return nil
			})
			if err != nil || n != 2 || sys.Version != version {
				t.Errorf("export: %d data elements, system %+v, %v", n, sys, err)
			}

		})
	}
}

func TestEmulatorWrongPassword(t *testing.T) {
	t.Parallel()
	srv := emulatortest.Start(t, emulator.Options{Version: "2.41"})
	c, err := dhis2.New(dhis2.Config{Name: "emu", BaseURL: srv.URL, Username: srv.Username, Password: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SystemInfo(context.Background())
	if !errors.Is(err, dhis2.KindUnauthorized) {
		t.Fatalf("err = %v", err)
	}
}
