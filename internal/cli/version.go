package cli

import (
	"context"
	"fmt"
	"runtime"
)

// Version is the d2sync release; release builds set it with
// -ldflags "-X github.com/d2sync/d2sync/internal/cli.Version=v1.2.3".
var Version = "0.1.0-dev"

const versionHelp = `
Print the d2sync version and the Go runtime it was built with.

Usage:
  d2sync version      (also: d2sync --version, d2sync -v)

It takes no flag and reads no environment variable.

Example:
  d2sync version
`

func runVersion(_ context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "version", versionHelp)
	if code := parseFlags(fs, env, args); code >= 0 {
		return code
	}
	fmt.Fprintf(env.Stdout, "d2sync %s (%s, %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return ExitOK
}
