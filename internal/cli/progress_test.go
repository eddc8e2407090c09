package cli

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/syncer"
)

func TestRenderBar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		done, total int64
		want        string
	}{
		{0, 10, "metadata [..............................]   0% 0/10 objects"},
		{5, 10, "metadata [###############...............]  50% 5/10 objects"},
		{10, 10, "metadata [##############################] 100% 10/10 objects"},
		{7, -1, "metadata: 7 objects"},
	}
	for _, tc := range tests {
		if got := renderBar("metadata", tc.done, tc.total, "objects"); got != tc.want {
			t.Errorf("renderBar(%d, %d) = %q, want %q", tc.done, tc.total, got, tc.want)
		}
	}
}

func TestLineProgress(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	clock := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	var p syncer.Progress = &lineProgress{w: &b, min: slog.LevelInfo, now: clock, last: map[string]int64{}}
	p.Log(slog.LevelDebug, "x", "hidden")
	p.Log(slog.LevelWarn, "x", "shown")
	for i := int64(1); i <= 100; i++ {
		p.Step("metadata", i, 100, "objects")
	}
	out := b.String()
	if strings.Contains(out, "hidden") || !strings.Contains(out, "03:04:05 warn  shown") {
		t.Errorf("log lines:\n%s", out)
	}
	// One line per tenth of the progress, and the last one.
	if n := strings.Count(out, "metadata:"); n != 11 {
		t.Errorf("%d progress lines for 100 steps, want 11 (the first, then one per tenth):\n%s", n, out)
	}
	if !strings.Contains(out, "100/100 objects (100%)") {
		t.Errorf("no final line:\n%s", out)
	}
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	for st, want := range map[syncer.Status]int{syncer.StatusSuccess: ExitOK, syncer.StatusPartial: ExitPartial, syncer.StatusFailed: ExitFailed, "": ExitFailed} {
		if got := exitCode(st); got != want {
			t.Errorf("exitCode(%q) = %d, want %d", st, got, want)
		}
	}
}
