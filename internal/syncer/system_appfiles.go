package syncer

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// Limits of one app download.
const (
	maxAppFiles = 5000
	maxAppBytes = 256 << 20
)

// References to other files inside an app's HTML, CSS, JavaScript and JSON.
var (
	htmlRefRe = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']([^"'#?]+)`)
	cssRefRe  = regexp.MustCompile(`(?i)url\(\s*["']?([^"'()#?]+)`)
	strRefRe  = regexp.MustCompile("[\"'`]((?:\\.{0,2}/)?[A-Za-z0-9_@][A-Za-z0-9_\\-./@]*\\.(?:js|mjs|cjs|css|json|webapp|png|jpe?g|gif|svg|ico|woff2?|ttf|eot|otf|html?|map|webp|txt|wasm|xml))[\"'`]")
)

// fileRefs extracts the relative references of a file, resolved against
// the file's directory (a leading "/" means the app root). External URLs,
// data: URIs and references leaving the app are dropped.
func fileRefs(name string, data []byte) []string {
	var raw []string
	add := func(re *regexp.Regexp) {
		for _, m := range re.FindAllSubmatch(data, -1) {
			raw = append(raw, string(m[1]))
		}
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".html", ".htm":
		add(htmlRefRe)
		add(strRefRe)
	case ".css":
		add(cssRefRe)
	case ".js", ".mjs", ".cjs", ".json", ".webapp":
		add(strRefRe)
	}
	dir := path.Dir(name)
	var out []string
	seen := map[string]bool{}
	for _, r := range raw {
		if p, ok := resolveAppRef(dir, r); ok && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// resolveAppRef resolves a reference found in a file of directory dir.
func resolveAppRef(dir, ref string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") || strings.Contains(ref, ":") ||
		strings.ContainsAny(ref, "{}$<> \\") {
		return "", false
	}
	var p string
	if strings.HasPrefix(ref, "/") {
		p = path.Clean(strings.TrimPrefix(ref, "/"))
	} else {
		p = path.Clean(path.Join(dir, ref))
	}
	if p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// downloadApp fetches an installed app's files by following references
// from its manifest, launch page and asset manifests, and undoes the
// server's rewriting of HTML pages (DHIS2 injects its base URL into them).
func (s *sysRun) downloadApp(ctx context.Context, a *app) (map[string][]byte, error) {
	d := &appDownload{s: s, a: a, files: map[string][]byte{}, seen: map[string]bool{}}
	man, err := d.get(ctx, "manifest.webapp")
	if err != nil {
		return nil, err
	}
	if man == nil {
		return nil, fmt.Errorf("the source serves no manifest.webapp for the app")
	}
	launch, icons := manifestOf(man)
	if launch == "" {
		launch = a.LaunchPath
	}
	if launch == "" {
		launch = "index.html"
	}
	seeds := append([]string{launch, "asset-manifest.json", "manifest.json"}, icons...)
	if err := d.crawl(ctx, seeds); err != nil {
		return nil, err
	}
	if _, ok := d.files[strings.TrimPrefix(path.Clean(launch), "/")]; !ok {
		return nil, fmt.Errorf("the source does not serve the app's launch page %s", launch)
	}
	return d.files, nil
}

// appDownload is the state of one app download.
type appDownload struct {
	s     *sysRun
	a     *app
	mu    sync.Mutex
	files map[string][]byte
	seen  map[string]bool
	size  int
}

// get downloads one file (nil, nil when the source answers 404) and
// records it.
func (d *appDownload) get(ctx context.Context, name string) ([]byte, error) {
	name = strings.TrimPrefix(path.Clean(name), "/")
	d.mu.Lock()
	d.seen[name] = true
	d.mu.Unlock()
	f, err := d.s.r.Source.Client.Download(ctx, appPath(d.a.key(), name), nil, maxAppBytes)
	d.s.request(1)
	switch dhis2.KindOf(err) {
	case dhis2.KindNotFound, dhis2.KindBadRequest:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	data := f.Data
	if ext := strings.ToLower(path.Ext(name)); ext == ".html" || ext == ".htm" {
		data = untemplateHTML(data, d.contextPath(), d.a.BaseURL)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.files[name] = data
	d.size += len(data)
	if len(d.files) > maxAppFiles || d.size > maxAppBytes {
		return nil, fmt.Errorf("the app is larger than %d files or %d bytes", maxAppFiles, maxAppBytes)
	}
	return data, nil
}

// crawl downloads the seeds and everything they refer to, breadth first.
func (d *appDownload) crawl(ctx context.Context, seeds []string) error {
	queue := seeds
	for len(queue) > 0 {
		var next []string
		var nmu sync.Mutex
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(fileConcurrency)
		for _, name := range d.unseen(queue) {
			g.Go(func() error {
				data, err := d.get(gctx, name)
				if err != nil || data == nil {
					return err
				}
				refs := fileRefs(name, data)
				nmu.Lock()
				next = append(next, refs...)
				nmu.Unlock()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		queue = next
	}
	return nil
}

// unseen returns the names not requested yet, without duplicates.
func (d *appDownload) unseen(names []string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	dup := map[string]bool{}
	for _, n := range names {
		n = strings.TrimPrefix(path.Clean(n), "/")
		if n == "" || n == "." || d.seen[n] || dup[n] {
			continue
		}
		dup[n] = true
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// contextPath is the source's base URL as the server writes it into app
// pages: the app's baseUrl without its /api/apps/<key> suffix, else the
// configured URL.
func (d *appDownload) contextPath() string {
	b := strings.TrimSuffix(d.a.BaseURL, "/")
	for _, suffix := range []string{"/api/apps/" + d.a.key(), "/api/apps/" + d.a.FolderName} {
		if i := strings.LastIndex(b, suffix); i >= 0 && strings.HasSuffix(b, suffix) {
			return b[:i]
		}
	}
	return strings.TrimSuffix(d.s.r.Source.Client.BaseURL(), "/")
}

// untemplateHTML reverses what DHIS2's AppHtmlTemplate does to an app page:
// it removes the injected <meta name="dhis2-base-url"> tag and puts the
// __DHIS2_APP_ROOT_URL__ and __DHIS2_BASE_URL__ placeholders back, so the
// page works on the destination rather than pointing at the source.
func untemplateHTML(data []byte, contextPath, appBaseURL string) []byte {
	if contextPath != "" {
		data = bytes.ReplaceAll(data, []byte(`<meta name="dhis2-base-url" content="`+contextPath+`" />`), nil)
	}
	if appBaseURL != "" {
		data = bytes.ReplaceAll(data, []byte(appBaseURL), []byte("__DHIS2_APP_ROOT_URL__"))
	}
	if contextPath != "" {
		data = bytes.ReplaceAll(data, []byte(contextPath), []byte("__DHIS2_BASE_URL__"))
	}
	return data
}

// zipFiles packages files (deterministic order) into a zip and returns it
// with the total uncompressed size.
func zipFiles(files map[string][]byte) ([]byte, int, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	size := 0
	for _, name := range keysOf(files) {
		w, err := zw.Create(name)
		if err != nil {
			return nil, 0, fmt.Errorf("package the app: %w", err)
		}
		if _, err := w.Write(files[name]); err != nil {
			return nil, 0, fmt.Errorf("package the app: %w", err)
		}
		size += len(files[name])
	}
	if err := zw.Close(); err != nil {
		return nil, 0, fmt.Errorf("package the app: %w", err)
	}
	return buf.Bytes(), size, nil
}
