package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// customIconsSince is the first DHIS2 minor version with custom icons.
const customIconsSince = 41

// icon is one custom icon of /api/icons (2.41+).
type icon struct {
	Key          string   `json:"key"`
	Description  string   `json:"description"`
	Keywords     []string `json:"keywords"`
	Custom       *bool    `json:"custom"`
	FileResource struct {
		ID string `json:"id"`
	} `json:"fileResource"`
	FileResourceUID string `json:"fileResourceUid"`
}

func (i *icon) fileUID() string {
	if i.FileResource.ID != "" {
		return i.FileResource.ID
	}
	return i.FileResourceUID
}

// listCustomIcons reads the custom icons of an instance, by key.
func listCustomIcons(ctx context.Context, c *dhis2.Client) (map[string]*icon, error) {
	out := map[string]*icon{}
	q := url.Values{"type": {"CUSTOM"}, "paging": {"false"}}
	for raw, err := range c.List(ctx, "icons", q, dhis2.ListOptions{Key: "icons"}) {
		if err != nil {
			return nil, fmt.Errorf("read the custom icons: %w", err)
		}
		var ic icon
		if err := json.Unmarshal(raw, &ic); err != nil {
			return nil, fmt.Errorf("read the custom icons: %w", err)
		}
		if ic.Key == "" || (ic.Custom != nil && !*ic.Custom) {
			continue
		}
		out[ic.Key] = &ic
	}
	return out, nil
}

// readIcons reads both sides' custom icons; ok is false when the source
// has none to give or the destination cannot hold them (reported).
func (s *sysRun) readIcons(ctx context.Context) (src, dst map[string]*icon, ok bool, err error) {
	if !s.r.Source.Version().AtLeast(customIconsSince) {
		return nil, nil, false, nil
	}
	if src, err = listCustomIcons(ctx, s.r.Source.Client); err != nil {
		return nil, nil, false, fmt.Errorf("source: %w", err)
	}
	s.request(1)
	if !s.r.Dest.Version().AtLeast(customIconsSince) {
		if len(src) > 0 {
			s.noteNotReplicable("custom icons", len(src), fmt.Sprintf("the destination's DHIS2 %s has no custom icons (added in 2.41)", s.r.Dest.Info.VersionString))
		}
		return nil, nil, false, nil
	}
	if dst, err = listCustomIcons(ctx, s.r.Dest.Client); err != nil {
		return nil, nil, false, fmt.Errorf("destination: %w", err)
	}
	s.request(1)
	return src, dst, true, nil
}

// syncIcons copies the custom icons (their ICON file first). An icon whose
// image changed is deleted and created again: metadata refers to icons by
// key, and DHIS2 cannot change an icon's file in place.
func (s *sysRun) syncIcons(ctx context.Context) error {
	src, dst, ok, err := s.readIcons(ctx)
	if err != nil || !ok {
		return err
	}
	fc := s.r.fileCopier()
	before := fc.requests()
	defer func() { s.request(fc.requests() - before) }()
	for _, key := range keysOf(src) {
		if !s.claimIcon(key) {
			continue // copied by the metadata stage for an object that uses it
		}
		if err := s.syncIcon(ctx, fc, src[key], dst[key]); err != nil {
			return err
		}
	}
	return nil
}

func (s *sysRun) syncIcon(ctx context.Context, fc *fileCopier, src, dst *icon) error {
	hint := ""
	if dst != nil {
		hint = dst.fileUID()
	}
	c, err := fc.copy(ctx, fileSpec{UID: src.fileUID(), Domain: "ICON", Hint: hint})
	if err != nil {
		s.fail(partIcons, src.Key, "", errorCode(err), err.Error())
		return ctx.Err()
	}
	method, path := "", "icons"
	switch {
	case dst == nil:
		method = "POST"
	case dst.fileUID() != c.DstUID:
		method = "REPLACE"
	case dst.Description != src.Description || !sameSet(dst.Keywords, src.Keywords):
		method, path = "PUT", "icons/"+url.PathEscape(src.Key)
	}
	if method == "" {
		s.count(partIcons, func(n *Counts) { n.Unchanged++ })
		return nil
	}
	if s.writes() {
		if err := s.writeIcon(ctx, method, path, src, c.DstUID); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.fail(partIcons, src.Key, "", errorCode(err), fmt.Sprintf("write the custom icon %s: %v", src.Key, err))
			return nil
		}
	}
	s.count(partIcons, func(n *Counts) {
		if method == "POST" {
			n.Created++
		} else {
			n.Updated++
		}
	})
	return nil
}

func (s *sysRun) writeIcon(ctx context.Context, method, path string, src *icon, fileUID string) error {
	cl := s.r.Dest.Client
	keywords := src.Keywords
	if keywords == nil {
		keywords = []string{}
	}
	if method == "PUT" {
		_, err := cl.Put(ctx, path, nil, dhis2.JSONBody(map[string]any{"description": src.Description, "keywords": keywords}))
		s.request(1)
		return err
	}
	if method == "REPLACE" {
		if _, err := cl.Delete(ctx, "icons/"+url.PathEscape(src.Key), nil); err != nil && dhis2.KindOf(err) != dhis2.KindNotFound {
			return err
		}
		s.request(1)
	}
	// 2.41+ reads fileResourceId; fileResourceUid is the name in some docs.
	body := map[string]any{"key": src.Key, "description": src.Description, "keywords": keywords, "fileResourceId": fileUID, "fileResourceUid": fileUID}
	_, err := cl.Post(ctx, "icons", nil, dhis2.JSONBody(body))
	s.request(1)
	return err
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	sort.Strings(x)
	sort.Strings(y)
	return slices.Equal(x, y)
}

// verifyIcons compares the custom icons: keys, description, keywords and
// the image's content.
func (s *sysRun) verifyIcons(ctx context.Context) error {
	if s.r.Opts.DryRun {
		return nil
	}
	src, dst, ok, err := s.readIcons(ctx)
	if err != nil || !ok {
		return err
	}
	fc := s.r.fileCopier()
	it := VerifyItem{Type: partIcons, Source: len(src)}
	for _, key := range keysOf(src) {
		d := dst[key]
		if d == nil {
			it.Missing++
			it.Details = append(it.Details, VerifyDetail{Kind: "missing", UID: key})
			continue
		}
		it.Dest++
		var paths []string
		if d.Description != src[key].Description {
			paths = append(paths, "description")
		}
		if !sameSet(d.Keywords, src[key].Keywords) {
			paths = append(paths, "keywords")
		}
		sm, err := fc.sourceMeta(ctx, src[key].fileUID())
		if err != nil {
			return fmt.Errorf("verification: %w", err)
		}
		dm, err := fc.destMeta(ctx, d.fileUID())
		if err != nil {
			return fmt.Errorf("verification: %w", err)
		}
		if dm == nil || !sm.sameContent(dm) {
			paths = append(paths, "fileResource")
		}
		if len(paths) == 0 {
			it.Match++
			continue
		}
		it.Differ++
		it.Details = append(it.Details, VerifyDetail{Kind: "differ", UID: key, Paths: paths})
	}
	for _, key := range keysOf(dst) {
		if src[key] == nil {
			it.Documented++
			it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: key, Note: "custom icon only on the destination: d2sync never deletes icons"})
		}
	}
	s.verified(it)
	return nil
}
