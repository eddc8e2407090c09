package syncer

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// logoSettings are the settings that make DHIS2 show an uploaded logo, with
// the static content key (/api/staticContent/{key}) holding the image.
var logoSettings = map[string]string{
	"keyUseCustomLogoFront":  "logo_front",
	"keyCustomLoginPageLogo": "logo_front",
	"keyUseCustomLogoBanner": "logo_banner",
	"keyCustomTopMenuLogo":   "logo_banner",
}

// copyLogos copies the custom logos the source's settings switch on
// (GET then POST /api/staticContent/{logo_front|logo_banner}). A logo that
// cannot be copied takes its settings out of the plan (documented in the
// verification), so that the destination never shows a logo it does not
// have; a warning says so. A verify-only run only checks the source.
func (s *sysRun) copyLogos(ctx context.Context, p *settingsPlan) {
	done := map[string]error{}
	for _, key := range keysOf(logoSettings) {
		v, ok := p.want[key]
		if !ok || settingText(v) != "true" {
			continue
		}
		sc := logoSettings[key]
		err, seen := done[sc]
		if !seen {
			err = s.copyStaticContent(ctx, sc)
			done[sc] = err
		}
		if err == nil {
			continue
		}
		p.changed = removeString(p.changed, key)
		if p.skipped == nil {
			p.skipped = map[string]string{}
		}
		p.skipped[key] = fmt.Sprintf("not copied: the custom logo %s could not be copied (%s)", sc, serverMessage(err))
		s.warn("system.settings.logo", fmt.Sprintf("the setting %s was not copied: the custom logo %s could not be copied (%s), and the destination must not show a logo it does not have", key, sc, serverMessage(err)))
	}
}

// copyStaticContent copies one static content image (in a dry run, only
// checks that the source serves it).
func (s *sysRun) copyStaticContent(ctx context.Context, key string) error {
	f, err := s.r.Source.Client.Download(ctx, "staticContent/"+url.PathEscape(key), nil, maxSysFileBytes)
	s.request(1)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	if !strings.HasPrefix(f.ContentType, "image/") {
		return fmt.Errorf("source: the answer is %q, not an image", f.ContentType)
	}
	if !s.writes() {
		return nil
	}
	body, ct, err := multipartFile("file", key+extensionOf(f.ContentType), f.ContentType, f.Data)
	if err != nil {
		return err
	}
	b := dhis2.BytesBody(body, ct)
	b.Idempotent = true
	_, err = s.r.Dest.Client.Post(ctx, "staticContent/"+url.PathEscape(key), nil, b)
	s.request(1)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	return nil
}

func extensionOf(contentType string) string {
	switch {
	case strings.Contains(contentType, "png"):
		return ".png"
	case strings.Contains(contentType, "svg"):
		return ".svg"
	case strings.Contains(contentType, "jpeg"), strings.Contains(contentType, "jpg"):
		return ".jpg"
	}
	return ""
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
