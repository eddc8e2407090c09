package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// app is one entry of GET /api/apps.
type app struct {
	Key        string `json:"key"`
	Name       string `json:"name"`
	Version    string `json:"version"`
	AppType    string `json:"appType"`
	FolderName string `json:"folderName"`
	BaseURL    string `json:"baseUrl"`
	LaunchPath string `json:"launch_path"`
	Bundled    bool   `json:"bundled"`
	CoreApp    bool   `json:"core_app"`
	AppHubID   string `json:"app_hub_id"`
}

func (a *app) key() string {
	if a.Key != "" {
		return a.Key
	}
	return a.FolderName
}

// AppOutcome is one line of the apps report: what happened to an app of
// the source and why.
type AppOutcome struct {
	Key     string `json:"key"`
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
	Action  string `json:"action"` // installed, upgraded, skipped, failed, would install, would upgrade
	Reason  string `json:"reason"`
	Files   int    `json:"files,omitempty"`
	Bytes   int    `json:"bytes,omitempty"`
}

// listApps reads GET /api/apps by key.
func listApps(ctx context.Context, c *dhis2.Client) (map[string]*app, error) {
	var list []*app
	if err := c.GetJSON(ctx, "apps", nil, &list); err != nil {
		return nil, fmt.Errorf("read the installed apps: %w", err)
	}
	out := map[string]*app{}
	for _, a := range list {
		if a != nil && a.key() != "" {
			out[a.key()] = a
		}
	}
	return out, nil
}

// compareVersions compares app versions ("1.2.10" > "1.2.9"; numeric
// parts numerically, others as text).
func compareVersions(a, b string) int {
	split := func(s string) []string {
		return strings.FieldsFunc(strings.TrimPrefix(strings.TrimSpace(s), "v"), func(r rune) bool { return r == '.' || r == '-' || r == '+' })
	}
	x, y := split(a), split(b)
	for i := 0; i < max(len(x), len(y)); i++ {
		p, q := "0", "0"
		if i < len(x) {
			p = x[i]
		}
		if i < len(y) {
			q = y[i]
		}
		n, errN := strconv.Atoi(p)
		m, errM := strconv.Atoi(q)
		switch {
		case errN == nil && errM == nil && n != m:
			return cmpInt(n, m)
		case (errN != nil || errM != nil) && p != q:
			return strings.Compare(p, q)
		}
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// appDecision says what to do with one source app.
func appDecision(src, dst *app) (action, reason string) {
	switch {
	case src.Bundled || src.CoreApp:
		return "skipped", "bundled with DHIS2 (each server has its own)"
	case dst == nil:
		return "install", "missing on the destination"
	}
	switch c := compareVersions(src.Version, dst.Version); {
	case c > 0:
		return "upgrade", fmt.Sprintf("the destination has the older version %s", dst.Version)
	case c == 0:
		return "skipped", "the destination has the same version"
	}
	return "skipped", fmt.Sprintf("the destination has the newer version %s", dst.Version)
}

// syncApps installs on the destination the source's installed apps it
// lacks or has in an older version: each app's files are downloaded one by
// one (DHIS2 has no download of an app's zip), packaged into a zip and
// installed. Bundled apps are skipped.
func (s *sysRun) syncApps(ctx context.Context) error {
	src, err := listApps(ctx, s.r.Source.Client)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	dst, err := listApps(ctx, s.r.Dest.Client)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	s.request(2)
	if !s.r.VerifyOnly {
		for _, key := range keysOf(src) {
			s.syncApp(ctx, src[key], dst[key])
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	if s.r.Opts.DryRun {
		return nil
	}
	if !s.r.VerifyOnly {
		if dst, err = listApps(ctx, s.r.Dest.Client); err != nil {
			return fmt.Errorf("verification: destination: %w", err)
		}
		s.request(1)
	}
	s.verified(verifyApps(src, dst))
	return nil
}

// syncApp handles one source app and records its outcome.
func (s *sysRun) syncApp(ctx context.Context, src, dst *app) {
	out := AppOutcome{Key: src.key(), Name: src.Name, Version: src.Version}
	action, reason := appDecision(src, dst)
	out.Reason = reason
	switch {
	case action == "skipped":
		out.Action = "skipped"
		if !src.Bundled && !src.CoreApp {
			s.count(partApps, func(c *Counts) { c.Unchanged++ })
		}
	case !s.writes():
		out.Action = "would " + action
		s.count(partApps, func(c *Counts) { countAppWrite(c, action) })
	default:
		files, size, err := s.installApp(ctx, src)
		out.Files, out.Bytes = files, size
		if err != nil {
			out.Action, out.Reason = "failed", err.Error()
			s.fail(partApps, src.key(), src.Name, errorCode(err), fmt.Sprintf("install the app %s %s: %v", src.key(), src.Version, err))
			break
		}
		if action == "upgrade" {
			out.Action = "upgraded"
		} else {
			out.Action = "installed"
		}
		s.count(partApps, func(c *Counts) { countAppWrite(c, action) })
		s.log(slog.LevelInfo, "system.app."+out.Action, fmt.Sprintf("app %s %s %s (%d files, %d bytes)", src.key(), src.Version, out.Action, files, size))
	}
	s.mu.Lock()
	s.r.Report.Apps = append(s.r.Report.Apps, out)
	s.mu.Unlock()
}

func countAppWrite(c *Counts, action string) {
	if action == "install" {
		c.Created++
	} else {
		c.Updated++
	}
}

// installApp downloads, packages and installs one app.
func (s *sysRun) installApp(ctx context.Context, a *app) (int, int, error) {
	files, err := s.downloadApp(ctx, a)
	if err != nil {
		return 0, 0, err
	}
	zipped, size, err := zipFiles(files)
	if err != nil {
		return 0, 0, err
	}
	body, ct, err := multipartFile("file", a.key()+".zip", "application/zip", zipped)
	if err != nil {
		return 0, 0, err
	}
	_, err = s.r.Dest.Client.Post(ctx, "apps", nil, dhis2.BytesBody(body, ct))
	s.request(1)
	if err != nil {
		return len(files), size, fmt.Errorf("destination: %w", err)
	}
	return len(files), size, nil
}

// verifyApps compares the source's installed (not bundled) apps by key and
// version.
func verifyApps(src, dst map[string]*app) VerifyItem {
	it := VerifyItem{Type: partApps}
	for _, key := range keysOf(src) {
		a := src[key]
		if a.Bundled || a.CoreApp {
			continue
		}
		it.Source++
		d := dst[key]
		if d == nil {
			it.Missing++
			it.Details = append(it.Details, VerifyDetail{Kind: "missing", UID: key, Name: a.Name + " " + a.Version})
			continue
		}
		it.Dest++
		switch c := compareVersions(a.Version, d.Version); {
		case c == 0:
			it.Match++
		case c < 0:
			it.Documented++
			it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: key, Name: a.Name, Note: "the destination has the newer version " + d.Version + " (never downgraded)"})
		default:
			it.Differ++
			it.Details = append(it.Details, VerifyDetail{Kind: "differ", UID: key, Name: a.Name, Paths: []string{"version"},
				Note: fmt.Sprintf("source %s, destination %s", a.Version, d.Version)})
		}
	}
	return it
}

// appPath is the API path of one file of an installed app.
func appPath(key, file string) string {
	parts := strings.Split(file, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "apps/" + url.PathEscape(key) + "/" + strings.Join(parts, "/")
}

// manifestOf parses a manifest.webapp for the launch path and icons.
func manifestOf(data []byte) (launch string, refs []string) {
	var m struct {
		LaunchPath string            `json:"launch_path"`
		Icons      map[string]string `json:"icons"`
	}
	if json.Unmarshal(data, &m) != nil {
		return "", nil
	}
	for _, ic := range m.Icons {
		refs = append(refs, ic)
	}
	return m.LaunchPath, refs
}
