package seed

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// peakRSSMiB returns the process's peak resident set size (Linux), or the
// memory obtained from the OS by the Go runtime elsewhere.
func peakRSSMiB() float64 {
	if raw, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				kb, _ := strconv.Atoi(f[1])
				return float64(kb) / 1024
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.Sys) / (1 << 20)
}

// BenchmarkNational generates the national instance and ranges over every
// data value and registration. It reports the time per full generation,
// values per second and the peak RSS of the process.
func BenchmarkNational(b *testing.B) {
	for b.Loop() {
		start := time.Now()
		inst, err := Generate(National)
		if err != nil {
			b.Fatal(err)
		}
		gen := time.Since(start)
		values, regs := 0, 0
		for range inst.DataValues {
			values++
		}
		for range inst.CompleteRegistrations {
			regs++
		}
		total := time.Since(start)
		b.ReportMetric(float64(values)/total.Seconds(), "values/s")
		b.ReportMetric(peakRSSMiB(), "peakRSS-MiB")
		b.Logf("national: metadata+counts %s, full pass %s for %d values and %d registrations (%d org units)",
			gen.Round(time.Millisecond), total.Round(time.Millisecond), values, regs, inst.Stats.OrganisationUnits)
	}
}

// BenchmarkDemoMetadata measures the generation of the demo instance
// (metadata and counting pass).
func BenchmarkDemoMetadata(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Demo); err != nil {
			b.Fatal(err)
		}
	}
}
