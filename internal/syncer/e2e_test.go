package syncer

import (
	"context"
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// pair is a source and a destination emulator with clients.
type pair struct {
	src, dst     *emulatortest.Server
	srcCl, dstCl *dhis2.Client
	state        *MemoryState
}

func newPair(t testing.TB, srcOpts, dstOpts emulator.Options) *pair {
	t.Helper()
	p := &pair{src: emulatortest.Start(t, srcOpts), dst: emulatortest.Start(t, dstOpts), state: NewMemoryState()}
	p.srcCl = newClient(t, "source", p.src)
	p.dstCl = newClient(t, "destination", p.dst)
	return p
}

func newClient(t testing.TB, name string, s *emulatortest.Server) *dhis2.Client {
	t.Helper()
	c, err := dhis2.New(dhis2.Config{Name: name, BaseURL: s.URL, Username: s.Username, Password: s.Password})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (p *pair) options() Options {
	return Options{Source: p.srcCl, Dest: p.dstCl, State: p.state, MaxDelete: DefaultMaxDelete, MaxDeletePercent: DefaultMaxDeletePercent}
}

func TestE2ESmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	p := newPair(t, emulator.Options{Version: "2.39", Seed: "demo"}, emulator.Options{Version: "2.39"})
	rep, err := Sync(context.Background(), p.options())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	t.Logf("status %s", rep.Status)
	for _, s := range rep.Stages {
		t.Logf("%s %s %+v", s.Name, s.Status, s.Total())
	}
	for i, f := range rep.Failures {
		if i > 20 {
			break
		}
		t.Logf("failure %+v", f)
	}
	for _, w := range rep.Warnings {
		t.Logf("warning %s", w.Message)
	}
	if rep.Verification != nil {
		tot := rep.Verification.Totals()
		t.Logf("verify %+v", tot)
		n := 0
		for _, it := range rep.Verification.Items {
			if it.Differ+it.Missing+it.Extra+it.Documented > 0 {
				t.Logf("%s: src %d dst %d match %d differ %d missing %d extra %d doc %d", it.Type, it.Source, it.Dest, it.Match, it.Differ, it.Missing, it.Extra, it.Documented)
				for _, d := range it.Details {
					if n < 40 && d.Kind != "documentedX" {
						t.Logf("   %s %s %v %s", d.Kind, d.UID, d.Paths, d.Note)
					}
					n++
				}
			}
		}
	}
}
