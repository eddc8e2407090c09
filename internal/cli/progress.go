package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/d2sync/d2sync/internal/syncer"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress returns the progress renderer for w: a redrawn progress bar
// on a terminal, plain timestamped lines otherwise. Events below minLevel
// are not shown.
func newProgress(w io.Writer, minLevel slog.Level) syncer.Progress {
	if isTerminal(w) {
		return &barProgress{w: w, min: minLevel, now: time.Now}
	}
	return &lineProgress{w: w, min: minLevel, now: time.Now, last: map[string]int64{}}
}

// lineProgress writes one line per event and a line per stage every tenth
// of its progress, for logs and pipes.
type lineProgress struct {
	mu   sync.Mutex
	w    io.Writer
	min  slog.Level
	now  func() time.Time
	last map[string]int64 // last reported tenth per stage
}

// Log implements syncer.Progress.
func (p *lineProgress) Log(level slog.Level, code, message string, _ ...slog.Attr) {
	if level < p.min {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "%s %-5s %s\n", p.now().Format("15:04:05"), levelName(level), message)
}

// Step implements syncer.Progress.
func (p *lineProgress) Step(stage string, done, total int64, unit string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	tenth := int64(-1)
	if total > 0 {
		tenth = done * 10 / total
	}
	if prev, ok := p.last[stage]; ok && prev == tenth && done != total {
		return
	}
	p.last[stage] = tenth
	if total > 0 {
		fmt.Fprintf(p.w, "%s %-5s %s: %d/%d %s (%d%%)\n", p.now().Format("15:04:05"), "info", stage, done, total, unit, done*100/total)
		return
	}
	fmt.Fprintf(p.w, "%s %-5s %s: %d %s\n", p.now().Format("15:04:05"), "info", stage, done, unit)
}

// barProgress keeps one progress bar line at the bottom of the terminal
// and prints events above it.
type barProgress struct {
	mu  sync.Mutex
	w   io.Writer
	min slog.Level
	now func() time.Time
	bar string
}

const barWidth = 30

// Log implements syncer.Progress.
func (p *barProgress) Log(level slog.Level, code, message string, _ ...slog.Attr) {
	if level < p.min {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\x1b[2K%s %-5s %s\n", p.now().Format("15:04:05"), levelName(level), message)
	if p.bar != "" {
		fmt.Fprint(p.w, p.bar)
	}
}

// Step implements syncer.Progress.
func (p *barProgress) Step(stage string, done, total int64, unit string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar = renderBar(stage, done, total, unit)
	fmt.Fprint(p.w, "\r\x1b[2K"+p.bar)
	if total > 0 && done >= total {
		fmt.Fprintln(p.w)
		p.bar = ""
	}
}

// renderBar draws "stage [#######.......]  45% 450/1000 objects".
func renderBar(stage string, done, total int64, unit string) string {
	if total <= 0 {
		return fmt.Sprintf("%s: %d %s", stage, done, unit)
	}
	filled := int(done * barWidth / total)
	filled = min(max(filled, 0), barWidth)
	return fmt.Sprintf("%s [%s%s] %3d%% %d/%d %s", stage, strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), done*100/total, done, total, unit)
}

func levelName(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "error"
	case l >= slog.LevelWarn:
		return "warn"
	case l >= slog.LevelInfo:
		return "info"
	}
	return "debug"
}

// multiProgress sends every event to several Progress implementations.
type multiProgress []syncer.Progress

// Log implements syncer.Progress.
func (m multiProgress) Log(level slog.Level, code, message string, attrs ...slog.Attr) {
	for _, p := range m {
		p.Log(level, code, message, attrs...)
	}
}

// Step implements syncer.Progress.
func (m multiProgress) Step(stage string, done, total int64, unit string) {
	for _, p := range m {
		p.Step(stage, done, total, unit)
	}
}
