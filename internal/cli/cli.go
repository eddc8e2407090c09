// Package cli wires the d2sync subcommands: it parses flags, loads the
// configuration and builds the long-lived objects (store, clients, servers)
// that the rest of the program receives as explicit dependencies.
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes shared by every subcommand.
const (
	ExitOK      = 0 // success (for sync and verify: verified equal)
	ExitFailed  = 1 // the operation failed
	ExitUsage   = 2 // bad flags, arguments or configuration
	ExitPartial = 3 // partial success or differences found
)

// Env is the process environment a command runs in. Commands never read
// os.Getenv or os.Stdout directly so that tests can drive them.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// command is one subcommand: its name, a one-line summary for the global
// help and the function that runs it with the arguments after its name.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) int
}

// commands returns the subcommand table. Add one line here per subcommand;
// its implementation lives in a file named after it.
func commands() []command {
	return []command{
		{"version", "print the d2sync version", runVersion},
		{"demo", "replicate a demo DHIS2 into a blank one with two built-in emulators, then verify", runDemo},
		{"emulate", "run the built-in DHIS2 emulator (tests, demos, fault drills)", runEmulate},
		{"migrate", "create or upgrade the d2sync database", runMigrate},
		{"probe", "check the connection and credentials to a DHIS2 instance", runProbe},
		{"sync", "replicate a DHIS2 instance into another and verify the copy", runSync},
		{"verify", "compare two DHIS2 instances without writing (like rclone check)", runVerify},
	}
}

// Main runs d2sync with the given arguments (args[0] is the program name)
// and returns the process exit code.
func Main(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &Env{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	if len(args) < 2 {
		printHelp(env.Stderr)
		return ExitUsage
	}
	name := args[1]
	switch name {
	case "-h", "--help", "-help", "help":
		if len(args) > 2 {
			if c, ok := lookup(args[2]); ok {
				return c.run(ctx, env, []string{"--help"})
			}
		}
		printHelp(env.Stdout)
		return ExitOK
	case "-v", "--version":
		name = "version"
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(env.Stderr, "d2sync: unknown command %q\nRun 'd2sync --help' to see the commands.\n", name)
		return ExitUsage
	}
	return c.run(ctx, env, args[2:])
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func printHelp(w io.Writer) {
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	var b strings.Builder
	b.WriteString(globalHelpHeader)
	for _, c := range cmds {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString(globalHelpFooter)
	io.WriteString(w, b.String())
}

const globalHelpHeader = `d2sync replicates a whole DHIS2 instance into another one: metadata,
aggregate data, events and tracker data, settings, dataStore and files,
and proves the copy with a verification pass.

Usage:
  d2sync <command> [flags]

Commands:
`

const globalHelpFooter = `
Run 'd2sync <command> --help' for the flags, environment variables and
examples of one command.

Exit codes: 0 success, 1 failure, 2 usage error, 3 partial or differences.
`

// newFlagSet returns a flag set for a subcommand whose -h output is the
// given help text followed by the flag list. Parse errors are reported on
// env.Stderr; callers return ExitUsage when Parse fails.
func newFlagSet(env *Env, name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "%s\n", strings.TrimSpace(help))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(out, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args and maps the outcome to an exit code: -1 means
// "go on", anything else is the code the command must return.
func parseFlags(fs *flag.FlagSet, env *Env, args []string) int {
	fs.SetOutput(env.Stderr)
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return ExitOK
		}
	}
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	return -1
}
