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
// data value, registration and tracker object. It reports the time per full
// generation, aggregate values per second and the peak RSS of the process.
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
		aggregate := time.Since(start)
		tracker := 0
		for range inst.TrackedEntities {
			tracker++
		}
		for range inst.Events {
			tracker++
		}
		for range inst.Relationships {
			tracker++
		}
		total := time.Since(start)
		b.ReportMetric(float64(values)/(aggregate-gen).Seconds(), "values/s")
		b.ReportMetric(peakRSSMiB(), "peakRSS-MiB")
		b.Logf("national: Generate (metadata and counts) %s; aggregate pass %s for %d values and %d registrations; "+
			"tracker pass %s for %d tracked entities, events and relationships; %d org units",
			gen.Round(time.Millisecond), (aggregate - gen).Round(time.Millisecond), values, regs,
			(total - aggregate).Round(time.Millisecond), tracker, inst.Stats.OrganisationUnits)
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
