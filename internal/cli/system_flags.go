package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/d2sync/d2sync/internal/syncer"
)

// systemFlags are the flags of the system scope (settings, dataStore,
// files, apps, interpretations).
type systemFlags struct {
	includePrivate   bool
	datastorePolicy  string
	datastoreExclude string
}

func (f *systemFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.includePrivate, "include-private-settings", false, "system scope: also copy the server-specific system settings (mail/SMS servers, API keys, URLs, job state) left out by default")
	fs.StringVar(&f.datastorePolicy, "datastore-policy", string(syncer.DataStoreReplace), "system scope: a dataStore key on both sides with different values is `replace`d by the source's, kept (keep) or merged (merge: the source's top-level fields win, fields only the destination has stay)")
	fs.StringVar(&f.datastoreExclude, "datastore-exclude", "", "system scope: dataStore `namespaces` never copied (comma-separated)")
}

// options returns the system scope's engine options.
func (f *systemFlags) options() (syncer.SystemOptions, error) {
	o := syncer.SystemOptions{IncludePrivateSettings: f.includePrivate}
	var err error
	if o.DataStorePolicy, err = syncer.ParseDataStorePolicy(f.datastorePolicy); err != nil {
		return o, fmt.Errorf("--datastore-policy: %w", err)
	}
	for _, ns := range strings.Split(f.datastoreExclude, ",") {
		if ns = strings.TrimSpace(ns); ns != "" {
			o.ExcludeNamespaces = append(o.ExcludeNamespaces, ns)
		}
	}
	return o, nil
}

// printSystemReport writes the apps outcomes and the list of what the
// DHIS2 API cannot carry.
func printSystemReport(w io.Writer, rep *syncer.Report, maxLines int) {
	printList(w, "Apps", len(rep.Apps), maxLines, func(i int) string {
		a := rep.Apps[i]
		line := fmt.Sprintf("%s %s: %s — %s", a.Key, a.Version, a.Action, a.Reason)
		if a.Files > 0 {
			line += fmt.Sprintf(" (%d files, %d bytes)", a.Files, a.Bytes)
		}
		return line
	})
	printList(w, "Not replicable through the DHIS2 API (nothing was copied for these; see docs/not-replicable.md)", len(rep.NotReplicable), maxLines, func(i int) string {
		n := rep.NotReplicable[i]
		return fmt.Sprintf("%9d  %s: %s", n.Count, n.What, n.Reason)
	})
}
