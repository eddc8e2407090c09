package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/d2sync/d2sync/internal/dhis2"
)

const probeHelp = `
Check that d2sync can reach and use a DHIS2 instance: it reads
/api/system/info and /api/me and prints the DHIS2 version and revision, the
server time zone and date, the system name, the authenticated user and
whether that user may import metadata and data. Every failure (wrong URL,
credentials, certificate, DNS, timeout, a login page instead of the API) is
explained with what to check.

Usage:
  d2sync probe --url URL [--dest] [--allow-insecure-http] [--timeout D]

Credentials are never given as flags. They come from the environment, or
from an interactive prompt when none is set and the input is a terminal:

Environment:
  D2SYNC_SOURCE_USERNAME   username for basic authentication
  D2SYNC_SOURCE_PASSWORD   its password
  D2SYNC_SOURCE_TOKEN      personal access token (d2pat_… from 2.37, d2p_…
                           from 2.41); used instead of username/password
  D2SYNC_DEST_USERNAME, D2SYNC_DEST_PASSWORD, D2SYNC_DEST_TOKEN
                           the same for the destination, used with --dest

Exit codes: 0 the instance answered and accepted the credentials, 1 the
check failed, 2 usage error.

Examples:
  D2SYNC_SOURCE_TOKEN=d2pat_… d2sync probe --url https://dhis2.example.org
  D2SYNC_SOURCE_USERNAME=admin d2sync probe --url https://dhis2.example.org/dhis
      (asks for the password)
  D2SYNC_DEST_USERNAME=admin D2SYNC_DEST_PASSWORD=district \
      d2sync probe --dest --url http://127.0.0.1:8080
`

// probeFlags are the parsed flags of d2sync probe.
type probeFlags struct {
	url           string
	dest          bool
	allowInsecure bool
	timeout       time.Duration
}

func runProbe(ctx context.Context, env *Env, args []string) int {
	var f probeFlags
	fs := newFlagSet(env, "probe", probeHelp)
	fs.StringVar(&f.url, "url", "", "DHIS2 base `URL`, with its context path if any (e.g. https://host/dhis)")
	fs.BoolVar(&f.dest, "dest", false, "use the destination credentials (D2SYNC_DEST_*) instead of the source ones")
	fs.BoolVar(&f.allowInsecure, "allow-insecure-http", false, "allow plain http:// to a host other than this machine (test servers only)")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on each request after this `duration`")
	if code := parseFlags(fs, env, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		// The argument is not repeated: it may be a password typed by mistake.
		fmt.Fprintf(env.Stderr, "d2sync probe: %d unexpected argument(s) after the flags: flags are written --name value, and credentials go in environment variables (see --help)\n", fs.NArg())
		return ExitUsage
	}
	if strings.TrimSpace(f.url) == "" {
		fmt.Fprintln(env.Stderr, "d2sync probe: --url is required, e.g. --url https://dhis2.example.org")
		return ExitUsage
	}
	role := "source"
	if f.dest {
		role = "destination"
	}
	creds, err := probeCredentials(env, f.dest)
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync probe: %v\n", err)
		return ExitUsage
	}
	for _, w := range creds.warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	c, err := dhis2.New(dhis2.Config{
		Name: role, BaseURL: f.url, Username: creds.username, Password: creds.password, Token: creds.token,
		Timeout: f.timeout, AllowInsecureHTTP: f.allowInsecure, UserAgent: "d2sync/" + Version,
		Retry: dhis2.RetryPolicy{MaxAttempts: 2, MaxElapsed: 2 * f.timeout},
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync probe: %v\n", err)
		return ExitUsage
	}
	return probe(ctx, env, c)
}

// probe reads system info and the user and prints the report.
func probe(ctx context.Context, env *Env, c *dhis2.Client) int {
	si, err := c.SystemInfo(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync probe: %v\n", err)
		return ExitFailed
	}
	me, err := c.Me(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync probe: %v\n", err)
		return ExitFailed
	}
	printProbe(env.Stdout, c, si, me, time.Now())
	if !si.Version.AtLeast(30) || si.Version.AtLeast(43) {
		fmt.Fprintf(env.Stderr, "warning: DHIS2 %s is outside the versions d2sync is tested with (2.30 to 2.42)\n", si.Version)
	}
	return ExitOK
}

func printProbe(w io.Writer, c *dhis2.Client, si *dhis2.SystemInfo, me *dhis2.Me, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("DHIS2 instance", fmt.Sprintf("%s (%s)", c.BaseURL(), c.Name()))
	row("Version", fmt.Sprintf("%s (revision %s)", si.VersionString, orDash(si.Revision)))
	row("System name", orDash(si.SystemName))
	tz := si.ServerTimeZoneID
	if tz == "" {
		tz = "not reported (dates are read as UTC)"
	}
	row("Server time zone", tz)
	if si.ServerDate.IsZero() {
		row("Server date", orDash(si.ServerDateRaw))
	} else {
		row("Server date", si.ServerDate.In(si.Location).Format("2006-01-02 15:04:05 MST")+" ("+clockSkew(si.ServerDate.Sub(now))+")")
	}
	user := me.Username
	if me.Name != "" {
		user += " (" + me.Name + ")"
	}
	row("User", fmt.Sprintf("%s, id %s", orDash(user), orDash(me.ID)))
	row("Metadata import", authorityLine(me, me.CanImportMetadata(), "F_METADATA_IMPORT"))
	row("Data import", authorityLine(me, me.CanImportData(), "F_DATAVALUE_ADD"))
	tw.Flush()
}

// clockSkew describes the server clock relative to this machine.
func clockSkew(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d > -2*time.Second && d < 2*time.Second:
		return "in step with this machine's clock"
	case d > 0:
		return fmt.Sprintf("%s ahead of this machine's clock", d)
	}
	return fmt.Sprintf("%s behind this machine's clock", -d)
}

func authorityLine(me *dhis2.Me, ok bool, auth string) string {
	switch {
	case ok && me.HasAuthority("ALL"):
		return "yes (ALL)"
	case ok:
		return "yes (" + auth + ")"
	}
	return "no: the user lacks " + auth + " (or ALL)"
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// credentials of one DHIS2 instance, with warnings about their shape.
type credentials struct {
	username, password, token string
	warnings                  []string
}

// probeCredentials reads the credentials from the environment, or asks
// for them when none is set and stdin is a terminal.
func probeCredentials(env *Env, dest bool) (credentials, error) {
	prefix := "D2SYNC_SOURCE_"
	if dest {
		prefix = "D2SYNC_DEST_"
	}
	c := credentials{
		username: env.Getenv(prefix + "USERNAME"),
		password: env.Getenv(prefix + "PASSWORD"),
		token:    env.Getenv(prefix + "TOKEN"),
	}
	if c.token != "" {
		if c.username != "" || c.password != "" {
			c.warnings = append(c.warnings, fmt.Sprintf("%sTOKEN is set: %sUSERNAME/%sPASSWORD are ignored", prefix, prefix, prefix))
			c.username, c.password = "", ""
		}
		c.warnings = append(c.warnings, dhis2.CheckToken(c.token)...)
		c.token = dhis2.CleanToken(c.token)
		return c, nil
	}
	if c.username != "" && c.password != "" {
		return c, nil
	}
	f, ok := env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return c, fmt.Errorf("no credentials: set %sTOKEN, or %sUSERNAME and %sPASSWORD (or run in a terminal to be asked)", prefix, prefix, prefix)
	}
	return promptCredentials(env, f, c)
}

// promptCredentials asks for the missing username and password on the
// terminal; the password is not echoed.
func promptCredentials(env *Env, f *os.File, c credentials) (credentials, error) {
	if c.username == "" {
		fmt.Fprint(env.Stderr, "DHIS2 username: ")
		line, err := bufio.NewReader(f).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("read the username: %w", err)
		}
		c.username = strings.TrimSpace(line)
	}
	if c.password == "" {
		fmt.Fprint(env.Stderr, "DHIS2 password: ")
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return c, fmt.Errorf("read the password: %w", err)
		}
		c.password = string(pw)
	}
	if c.username == "" || c.password == "" {
		return c, errors.New("a username and a password are required")
	}
	return c, nil
}
