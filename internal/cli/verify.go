package cli

import (
	"context"
	"fmt"

	"github.com/d2sync/d2sync/internal/syncer"
)

const verifyHelp = `
Compare a source and a destination DHIS2 without writing anything, like
rclone check: per type, the number of objects on each side, the objects
missing on the destination or extra on it, and those whose content
differs, down to the property. Content is compared on a canonical
projection of both sides (each read in its own version's shape and
converted), ignoring what DHIS2 rewrites itself (lastUpdated, href,
access, display names …). Differences that the conversion between the two
DHIS2 versions explains are reported as "documented", not as errors.

Usage:
  d2sync verify --source URL --dest URL [--scope metadata|data|tracker|system|all] [--report FILE] [flags]

Data (--scope data) is compared per data set, period and org unit bucket
(counts and a hash of the values) with a drill-down to each differing
value; the data filters of sync (--data-sets, --org-units, --periods …)
apply.

System (--scope system) compares the settings (except the server-specific
ones, unless --include-private-settings), dataStore keys, values and
sharing (under --datastore-policy), the files metadata and data values
refer to (MD5 and size), custom icons, installed apps (key and version)
and interpretations and comments (text, per object).

Environment:
  D2SYNC_SOURCE_USERNAME, D2SYNC_SOURCE_PASSWORD or D2SYNC_SOURCE_TOKEN
  D2SYNC_DEST_USERNAME, D2SYNC_DEST_PASSWORD or D2SYNC_DEST_TOKEN
  (each also as *_FILE), D2SYNC_DATABASE_URL (ID mappings of the pair),
  D2SYNC_CONFIG_FILE. Without credentials in the environment, a terminal
  prompt asks for them.

Exit codes: 0 equal (only documented differences), 3 differences found,
1 the comparison failed, 2 usage error.

Examples:
  D2SYNC_SOURCE_TOKEN=d2pat_… D2SYNC_DEST_TOKEN=d2pat_… \
      d2sync verify --source https://national.example.org --dest https://mirror.example.org
  d2sync verify --source … --dest … --report verify.json
  d2sync verify --source … --dest … --scope data --data-sets BfMAe6Itzgt
  d2sync verify --source … --dest … --scope all
`

func runVerify(ctx context.Context, env *Env, args []string) int {
	var f pairFlags
	var sf systemFlags
	fs := newFlagSet(env, "verify", verifyHelp)
	f.register(fs)
	sf.register(fs)
	if code := parseFlags(fs, env, args); code >= 0 {
		return code
	}
	sys, err := sf.options()
	if err == nil {
		err = f.check(fs)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync verify: %v\n", err)
		return ExitUsage
	}
	pe, err := openPair(ctx, env, &f)
	if err != nil {
		return failOpen(env, "verify", err)
	}
	defer pe.close()
	return runPair(ctx, env, pe, &f, syncer.Options{Scopes: f.scopes(), System: sys}, true)
}
