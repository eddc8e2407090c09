// Command datasync benchmarks d2sync's data and tracker replication
// between two emulators running as separate processes, against a raw copy
// of the same data with curl (bench/rawcopy.sh: one export, one import).
//
// For each repetition it starts two blank destinations, copies the
// metadata into both (not timed), then times bench/rawcopy.sh into the
// first and "d2sync sync --scope data" into the second, then "d2sync sync
// --scope tracker" into the second, and prints values/s, tracked
// entities/s, the sync process's peak RSS and the ratio of the data sync
// time to the raw copy time (medians over the repetitions).
//
// Usage (from the repository root):
//
//	go run ./bench/datasync -seed demo -reps 3
//	go run ./bench/datasync -seed national -reps 1
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	seed := flag.String("seed", "demo", "source seed: demo or national")
	version := flag.String("version", "2.40", "DHIS2 version of both emulators")
	reps := flag.Int("reps", 3, "repetitions (medians are printed)")
	bin := flag.String("d2sync", "", "d2sync binary (default: built from ./cmd/d2sync)")
	raw := flag.String("rawcopy", "bench/rawcopy.sh", "raw copy script")
	tracker := flag.Bool("tracker", true, "also time the tracker scope")
	extra := flag.String("args", "", "extra flags for the timed d2sync runs, space-separated (e.g. \"--workers 2 --no-gzip\")")
	flag.Parse()
	extraArgs = strings.Fields(*extra)
	if err := run(*seed, *version, *reps, *bin, *raw, *tracker); err != nil {
		fmt.Fprintln(os.Stderr, "datasync:", err)
		os.Exit(1)
	}
}

// extraArgs are added to the timed sync runs.
var extraArgs []string

// emu is an emulator child process.
type emu struct {
	cmd *exec.Cmd
	url string
}

func (e *emu) stop() {
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { e.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = e.cmd.Process.Kill()
		<-done
	}
}

var urlLine = regexp.MustCompile(`URL:\s+(http://\S+)`)

// startEmu starts "d2sync emulate" on a free port and waits for its URL.
func startEmu(bin, version, seed string) (*emu, error) {
	cmd := exec.Command(bin, "emulate", "--version", version, "--seed", seed, "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		return &emu{cmd: cmd, url: u}, nil
	case <-time.After(10 * time.Minute):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("emulator %s %s did not start", version, seed)
	}
}

// result is one timed child run.
type result struct {
	wall   time.Duration
	cpu    time.Duration // user + system time of the sync process
	maxRSS int64         // KB
	report map[string]any
}

// sync runs d2sync sync and returns its wall time, peak RSS and report.
func sync(bin, src, dst, scope, dir string) (result, error) {
	rep := filepath.Join(dir, "report-"+scope+".json")
	args := []string{"sync", "--source", src, "--dest", dst, "--scope", scope, "--no-store", "--report", rep}
	if scope != "metadata" {
		args = append(args, extraArgs...)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "D2SYNC_SOURCE_USERNAME=admin", "D2SYNC_SOURCE_PASSWORD=district",
		"D2SYNC_DEST_USERNAME=admin", "D2SYNC_DEST_PASSWORD=district")
	var errOut strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &errOut
	start := time.Now()
	err := cmd.Run()
	r := result{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if err != nil {
		return r, fmt.Errorf("sync --scope %s: %w\n%s", scope, err, tail(errOut.String(), 2000))
	}
	raw, err := os.ReadFile(rep)
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal(raw, &r.report)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// verified sums the verification lines of a scope whose type starts with
// prefix: source count and matches.
func verified(rep map[string]any, scope, prefix string) (source, match int) {
	v, _ := rep["verification"].(map[string]any)
	items, _ := v["items"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if m["scope"] == scope && strings.HasPrefix(fmt.Sprint(m["type"]), prefix) {
			source += int(m["source"].(float64))
			match += int(m["match"].(float64))
		}
	}
	return source, match
}

var rawLine = regexp.MustCompile(`rawcopy values=([0-9.]+) registrations=([0-9.]+) total=([0-9.]+)`)

func rawcopy(script, src, dst string) (time.Duration, error) {
	out, err := exec.Command("bash", script, src, dst).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%s: %w\n%s", script, err, out)
	}
	m := rawLine.FindStringSubmatch(string(out))
	if m == nil {
		return 0, fmt.Errorf("%s: no timing line in %q", script, out)
	}
	s, _ := strconv.ParseFloat(m[3], 64)
	return time.Duration(s * float64(time.Second)), nil
}

// cpuTime returns the user + system time a running process used so far
// (from /proc, Linux only; 0 elsewhere).
func cpuTime(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (in parentheses): state is 3rd,
	// utime the 14th and stime the 15th of the whole line.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times (100 on Linux).
const clockTicks = 100

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func run(seed, version string, reps int, bin, raw string, tracker bool) error {
	dir, err := os.MkdirTemp("", "d2sync-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if bin == "" {
		bin = filepath.Join(dir, "d2sync")
		build := exec.CommandContext(context.Background(), "go", "build", "-o", bin, "./cmd/d2sync")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build d2sync: %w", err)
		}
	}
	fmt.Printf("starting the %s %s source emulator…\n", version, seed)
	src, err := startEmu(bin, version, seed)
	if err != nil {
		return err
	}
	defer src.stop()
	var raws, datas, trks []time.Duration
	var dataRSS, trkRSS int64
	var values, tes, trkObjects int
	for rep := 1; rep <= reps; rep++ {
		a, err := startEmu(bin, version, "none")
		if err != nil {
			return err
		}
		b, err := startEmu(bin, version, "none")
		if err != nil {
			a.stop()
			return err
		}
		err = func() error {
			defer a.stop()
			defer b.stop()
			for _, d := range []*emu{a, b} {
				if _, err := sync(bin, src.url, d.url, "metadata", dir); err != nil {
					return err
				}
			}
			emuCPU := func(d *emu) time.Duration { return cpuTime(src.cmd.Process.Pid) + cpuTime(d.cmd.Process.Pid) }
			c0 := emuCPU(a)
			rt, err := rawcopy(raw, src.url, a.url)
			if err != nil {
				return err
			}
			rawEmuCPU := emuCPU(a) - c0
			c0 = emuCPU(b)
			dr, err := sync(bin, src.url, b.url, "data", dir)
			if err != nil {
				return err
			}
			dataEmuCPU := emuCPU(b) - c0
			if st := dr.report["status"]; st != "SUCCESS" {
				return fmt.Errorf("data sync status %v", st)
			}
			n, match := verified(dr.report, "data", "dataValues:")
			if match != n {
				return fmt.Errorf("data sync verified %d of %d values", match, n)
			}
			values = n
			raws, datas = append(raws, rt), append(datas, dr.wall)
			dataRSS = max(dataRSS, dr.maxRSS)
			fmt.Printf("rep %d: raw copy %.2fs, d2sync data %.2fs (%d values, peak RSS %d MB)\n", rep, rt.Seconds(), dr.wall.Seconds(), n, dr.maxRSS/1024)
			fmt.Printf("rep %d: CPU time: raw copy emulators %.2fs; d2sync data: sync process %.2fs + emulators %.2fs = %.2fs\n",
				rep, rawEmuCPU.Seconds(), dr.cpu.Seconds(), dataEmuCPU.Seconds(), (dr.cpu + dataEmuCPU).Seconds())
			if !tracker {
				return nil
			}
			c0 = emuCPU(b)
			tr, err := sync(bin, src.url, b.url, "tracker", dir)
			if err != nil {
				return err
			}
			trkEmuCPU := emuCPU(b) - c0
			if st := tr.report["status"]; st != "SUCCESS" {
				return fmt.Errorf("tracker sync status %v", st)
			}
			tes, _ = verified(tr.report, "tracker", "trackedEntities:")
			trkObjects, _ = verified(tr.report, "tracker", "")
			trks = append(trks, tr.wall)
			trkRSS = max(trkRSS, tr.maxRSS)
			fmt.Printf("rep %d: d2sync tracker %.2fs (%d objects, %d tracked entities, peak RSS %d MB)\n", rep, tr.wall.Seconds(), trkObjects, tes, tr.maxRSS/1024)
			fmt.Printf("rep %d: CPU time: d2sync tracker: sync process %.2fs + emulators %.2fs = %.2fs\n",
				rep, tr.cpu.Seconds(), trkEmuCPU.Seconds(), (tr.cpu + trkEmuCPU).Seconds())
			return nil
		}()
		if err != nil {
			return err
		}
	}
	r, d := median(raws), median(datas)
	fmt.Printf("\nseed %s, DHIS2 %s, %d repetition(s), medians:\n", seed, version, reps)
	fmt.Printf("  raw copy (curl, one export + one import, values and registrations): %.2fs\n", r.Seconds())
	fmt.Printf("  d2sync --scope data (chunked, compared, verified):                  %.2fs  → %.0f values/s, ratio %.2f×, peak RSS %d MB\n",
		d.Seconds(), float64(values)/d.Seconds(), d.Seconds()/r.Seconds(), dataRSS/1024)
	if tracker {
		t := median(trks)
		fmt.Printf("  d2sync --scope tracker:                                              %.2fs  → %.0f tracked entities/s (%.0f objects/s), peak RSS %d MB\n",
			t.Seconds(), float64(tes)/t.Seconds(), float64(trkObjects)/t.Seconds(), trkRSS/1024)
	}
	return nil
}
