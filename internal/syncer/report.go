package syncer

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Status is the honest outcome of a run or a stage.
type Status string

// Run and stage outcomes. SUCCESS requires that every object was written
// (or already identical) AND that verification found no difference that
// the transforms do not document.
const (
	StatusSuccess Status = "SUCCESS"
	StatusPartial Status = "PARTIAL"
	StatusFailed  Status = "FAILED"
)

// Worse returns the worse of two statuses (FAILED > PARTIAL > SUCCESS).
func Worse(a, b Status) Status {
	rank := map[Status]int{"": 0, StatusSuccess: 1, StatusPartial: 2, StatusFailed: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// Endpoint describes one side of a run in the report.
type Endpoint struct {
	Name     string `json:"name"`
	URL      string `json:"url"`
	Version  string `json:"version"`
	TimeZone string `json:"timeZone,omitempty"`
}

// Counts are per-type outcome counters of a stage.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Deleted   int `json:"deleted"`
	Ignored   int `json:"ignored"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Created += o.Created
	c.Updated += o.Updated
	c.Deleted += o.Deleted
	c.Ignored += o.Ignored
	c.Unchanged += o.Unchanged
	c.Failed += o.Failed
}

// Failure is one object (or data value, or chunk) the destination refused
// or that could not be written, with DHIS2's own error code and message.
type Failure struct {
	Scope   string `json:"scope"`
	Type    string `json:"type,omitempty"`
	UID     string `json:"uid,omitempty"`
	Name    string `json:"name,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	Chunk   string `json:"chunk,omitempty"`
}

// Warning is something the user should know that did not fail the run
// (a property the destination does not know, a transform applied …).
type Warning struct {
	Scope   string `json:"scope"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// NotReplicable lists what the DHIS2 Web API cannot carry, so nobody
// believes it was copied (passwords, audit history, authorship dates …).
type NotReplicable struct {
	What   string `json:"what"`
	Count  int    `json:"count"`
	Reason string `json:"reason"`
}

// GeneratedPassword is a random password given to a user created on the
// destination. It appears only in the report file, never in logs.
type GeneratedPassword struct {
	Username string `json:"username"`
	UID      string `json:"uid"`
	Password string `json:"password"`
}

// StageReport is the outcome of one stage (metadata, data, tracker, system).
type StageReport struct {
	Name       string            `json:"name"`
	Status     Status            `json:"status"`
	StartedAt  time.Time         `json:"startedAt"`
	FinishedAt time.Time         `json:"finishedAt"`
	Counts     map[string]Counts `json:"counts,omitempty"` // per object type (plural name) or stream
	Requests   int               `json:"requests,omitempty"`
	Retries    int               `json:"retries,omitempty"`
	Bytes      int64             `json:"bytes,omitempty"`
	Chunks     []ChunkInfo       `json:"chunks,omitempty"` // import requests, in order
	Note       string            `json:"note,omitempty"`
}

// ChunkInfo describes one import request of a stage.
type ChunkInfo struct {
	Index   int    `json:"index"` // 1-based, as in Failure.Chunk
	Objects int    `json:"objects"`
	Bytes   int    `json:"bytes"`
	Outcome string `json:"outcome"` // "ok", "partial", "failed" or "skipped"
}

// Total sums the stage's per-type counts.
func (s *StageReport) Total() Counts {
	var t Counts
	for _, c := range s.Counts {
		t.Add(c)
	}
	return t
}

// VerifyItem is one line of the verification table: one object type (or
// data bucket family) compared between source and destination.
type VerifyItem struct {
	Scope      string         `json:"scope"`
	Type       string         `json:"type"`
	Source     int            `json:"source"`
	Dest       int            `json:"dest"`
	Match      int            `json:"match"`
	Differ     int            `json:"differ"`
	Missing    int            `json:"missing"`    // in source, absent from destination
	Extra      int            `json:"extra"`      // in destination, absent from source
	Documented int            `json:"documented"` // differences explained by a documented transform loss
	Details    []VerifyDetail `json:"details,omitempty"`
}

// VerifyDetail drills down to one object and the properties that differ.
type VerifyDetail struct {
	Kind  string   `json:"kind"` // "differ", "missing", "extra", "documented"
	UID   string   `json:"uid"`
	Name  string   `json:"name,omitempty"`
	Paths []string `json:"paths,omitempty"`
	Note  string   `json:"note,omitempty"`
}

// Verification is the result of comparing source and destination.
type Verification struct {
	At    time.Time    `json:"at"`
	Items []VerifyItem `json:"items"`
}

// Clean reports whether nothing is missing, extra or different (documented
// differences are allowed).
func (v *Verification) Clean() bool {
	for _, it := range v.Items {
		if it.Missing > 0 || it.Extra > 0 || it.Differ > 0 {
			return false
		}
	}
	return true
}

// Totals sums the table.
func (v *Verification) Totals() VerifyItem {
	var t VerifyItem
	for _, it := range v.Items {
		t.Source += it.Source
		t.Dest += it.Dest
		t.Match += it.Match
		t.Differ += it.Differ
		t.Missing += it.Missing
		t.Extra += it.Extra
		t.Documented += it.Documented
	}
	return t
}

// Report is everything a run produced: written by the CLI as text and as
// JSON (--report FILE), stored with the run, rendered by the web UI.
type Report struct {
	RunID         int64               `json:"runId,omitempty"`
	Source        Endpoint            `json:"source"`
	Dest          Endpoint            `json:"destination"`
	Scopes        []string            `json:"scopes"`
	DryRun        bool                `json:"dryRun"`
	Incremental   bool                `json:"incremental"`
	Status        Status              `json:"status"`
	StartedAt     time.Time           `json:"startedAt"`
	FinishedAt    time.Time           `json:"finishedAt"`
	Stages        []*StageReport      `json:"stages"`
	Plan          *Plan               `json:"plan,omitempty"` // per type UID sets and content hashes (the dry-run preview)
	Verification  *Verification       `json:"verification,omitempty"`
	Failures      []Failure           `json:"failures,omitempty"`
	Warnings      []Warning           `json:"warnings,omitempty"`
	NotReplicable []NotReplicable     `json:"notReplicable,omitempty"`
	Passwords     []GeneratedPassword `json:"generatedPasswords,omitempty"`
	Apps          []AppOutcome        `json:"apps,omitempty"` // system scope: what happened to each installed app
	Error         string              `json:"error,omitempty"`
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the verification table in the style of rclone check:
// one line per scope and type (types empty on both sides are counted, not
// listed), then the totals.
func (v *Verification) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scope\ttype\tsource\tdest\tmatch\tdiffer\tmissing\textra\tdocumented\t")
	items := append([]VerifyItem(nil), v.Items...)
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Scope != items[j].Scope {
			return items[i].Scope < items[j].Scope
		}
		return items[i].Type < items[j].Type
	})
	empty := 0
	for _, it := range items {
		if it.Source == 0 && it.Dest == 0 {
			empty++
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", it.Scope, it.Type, it.Source, it.Dest, it.Match, it.Differ, it.Missing, it.Extra, it.Documented)
	}
	t := v.Totals()
	fmt.Fprintf(tw, "TOTAL\t\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", t.Source, t.Dest, t.Match, t.Differ, t.Missing, t.Extra, t.Documented)
	if err := tw.Flush(); err != nil {
		return err
	}
	if empty > 0 {
		_, err := fmt.Fprintf(w, "(%d types empty on both sides not shown)\n", empty)
		return err
	}
	return nil
}

// WriteDetails writes the drill-down lines in rclone's combined format:
// "= " match is omitted, "* " differ, "+ " missing on destination,
// "- " extra on destination, "~ " documented difference.
func (v *Verification) WriteDetails(w io.Writer, max int) {
	n := 0
	for _, it := range v.Items {
		for _, d := range it.Details {
			if max > 0 && n >= max {
				fmt.Fprintf(w, "… (more in the JSON report)\n")
				return
			}
			sym := map[string]string{"differ": "*", "missing": "+", "extra": "-", "documented": "~"}[d.Kind]
			line := fmt.Sprintf("%s %s/%s %s", sym, it.Scope, it.Type, d.UID)
			if d.Name != "" {
				line += " (" + d.Name + ")"
			}
			if len(d.Paths) > 0 {
				line += ": " + strings.Join(d.Paths, ", ")
			}
			if d.Note != "" {
				line += " — " + d.Note
			}
			fmt.Fprintln(w, line)
			n++
		}
	}
}
