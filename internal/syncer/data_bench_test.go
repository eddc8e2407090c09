package syncer

import (
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
)

// BenchmarkDataDemo replicates the demo seed's aggregate data (about 250k
// values) and tracker data (7k tracked entities, 48k objects) from a 2.40
// emulator into a blank 2.40 emulator whose metadata was copied first
// (not timed), and reports the time of each stage and the process's peak
// RSS. Both emulators live in this process, so a CPU profile shows the
// engine and the emulators' work side by side:
//
//	go test ./internal/syncer -run '^$' -bench BenchmarkDataDemo -benchtime 1x -cpuprofile /tmp/data.prof
//
// bench/datasync measures the same against the raw-copy baseline with
// separate processes.
func BenchmarkDataDemo(b *testing.B) {
	var dataT, trkT time.Duration
	var values, objects int
	for b.Loop() {
		b.StopTimer()
		p := newDataPair(b, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
		if rep := p.run(b, p.opts(ScopeMetadata)); rep.Status == StatusFailed {
			b.Fatalf("metadata: %s", rep.Error)
		}
		b.StartTimer()
		start := time.Now()
		rep := p.run(b, p.opts(ScopeData))
		dataT += time.Since(start)
		requireEqual(b, rep, ScopeData)
		values = verifyTotal(rep, ScopeData, "dataValues:").Match
		start = time.Now()
		rep = p.run(b, p.opts(ScopeTracker))
		trkT += time.Since(start)
		requireEqual(b, rep, ScopeTracker)
		objects = verifyTotal(rep, ScopeTracker, "").Match
	}
	n := float64(b.N)
	b.ReportMetric(dataT.Seconds()/n, "data_s")
	b.ReportMetric(trkT.Seconds()/n, "tracker_s")
	b.ReportMetric(float64(values)/(dataT.Seconds()/n), "values/s")
	b.ReportMetric(float64(objects)/(trkT.Seconds()/n), "objects/s")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS_MB")
}
