package emulator_test

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
)

// rssKB reads the resident set size of this process (Linux), 0 elsewhere.
func rssKB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return 0
}

// BenchmarkSeedLoad reports how long an emulator takes to start with each
// seed (generation, conversion, import, data values) and the memory it
// holds afterwards.
func BenchmarkSeedLoad(b *testing.B) {
	for _, c := range []struct{ seed, version string }{{"demo", "2.39"}, {"demo", "2.42"}, {"national", "2.42"}} {
		b.Run(c.seed+"-"+c.version, func(b *testing.B) {
			var last *emulator.Emulator
			var took time.Duration
			for b.Loop() {
				if last != nil {
					last.Close()
				}
				start := time.Now()
				e, err := emulator.New(emulator.Options{Version: c.version, Seed: c.seed})
				if err != nil {
					b.Fatal(err)
				}
				took += time.Since(start)
				last = e
			}
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			st := last.Stats()
			b.ReportMetric(took.Seconds()/float64(b.N), "s/load")
			b.ReportMetric(float64(st.DataValues), "values")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heapMB")
			b.ReportMetric(float64(rssKB("VmRSS"))/1024, "rssMB")
			b.ReportMetric(float64(rssKB("VmHWM"))/1024, "peakRssMB")
			last.Close()
		})
	}
}
