package syncer

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
)

// peakRSS returns the process's peak resident set size in bytes (VmHWM),
// or 0 where /proc is not available.
func peakRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkMetadataDemo replicates the demo seed's full metadata (about
// 1,400 objects of 60 types) from a 2.41 emulator into a blank 2.41
// emulator, verification included, and reports the time per run and the
// process's peak RSS (both emulators and the engine live in this process).
//
//	go test ./internal/syncer -run '^$' -bench BenchmarkMetadataDemo -benchtime 5x
func BenchmarkMetadataDemo(b *testing.B) {
	demoPair(b, "2.41", emulator.Options{Version: "2.41"}) // builds the shared source outside the timing
	var objects int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		p := demoPair(b, "2.41", emulator.Options{Version: "2.41"})
		b.StartTimer()
		start := time.Now()
		rep, err := Sync(context.Background(), p.options())
		elapsed += time.Since(start)
		if err != nil || rep.Status != StatusSuccess {
			b.Fatalf("sync: %v, status %s", err, rep.Status)
		}
		objects = totals(rep).Created
	}
	b.ReportMetric(float64(objects), "objects/op")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS_MB")
	b.Logf("demo metadata: %d objects created and verified per run, %.2f s per run, peak RSS %.0f MB",
		objects, elapsed.Seconds()/float64(b.N), float64(peakRSS())/(1<<20))
}
