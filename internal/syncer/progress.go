package syncer

import "log/slog"

// Progress receives what a run does while it runs. The CLI renders it as
// progress bars on a terminal or plain lines otherwise; the server stores
// it as run events for the live page. Implementations must be safe for
// concurrent use and must never receive secrets.
type Progress interface {
	// Log records one event of the run: a level, a stable machine code
	// (e.g. "metadata.chunk.imported") and a human message.
	Log(level slog.Level, code, message string, attrs ...slog.Attr)
	// Step reports that a stage has done `done` of `total` units (total < 0
	// when unknown); unit names what is counted ("objects", "values").
	Step(stage string, done, total int64, unit string)
}

// NopProgress discards everything.
type NopProgress struct{}

// Log implements Progress.
func (NopProgress) Log(slog.Level, string, string, ...slog.Attr) {}

// Step implements Progress.
func (NopProgress) Step(string, int64, int64, string) {}
