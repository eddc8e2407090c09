package syncer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// maxFileBytes bounds a file resource held in memory while it is copied
// (DHIS2's default upload limit is 10,000,000 bytes).
const maxFileBytes = 64 << 20

// fileCopiers bounds the file resources of a chunk copied at once (the
// clients bound the requests in flight per instance on their own).
const fileCopiers = 8

// copyFiles makes sure the file resources the file and image values of a
// chunk name exist on the destination before the chunk is imported. The
// files are copied concurrently, each once however many values name it,
// so that a chunk waits for DHIS2 to store its files once, not once per
// file. Values whose file got another UID on the destination are
// rewritten to it.
func (d *dataRun) copyFiles(ctx context.Context, ds *dsInfo, vs []*dataValue) error {
	byUID := map[string][]*dataValue{}
	var order []string
	for _, v := range vs {
		if !ds.elements[v.DE].isFile() || v.Value == "" || !validUID(v.Value) {
			continue
		}
		if byUID[v.Value] == nil {
			order = append(order, v.Value)
		}
		byUID[v.Value] = append(byUID[v.Value], v)
	}
	if len(order) == 0 {
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(fileCopiers)
	for _, uid := range order {
		group := byUID[uid]
		g.Go(func() error {
			if err := d.copyFileResource(gctx, group[0]); err != nil {
				return err
			}
			dest := d.fileDest(uid)
			for _, v := range group {
				v.Value = dest
			}
			return nil
		})
	}
	return g.Wait()
}

// fileDest returns the destination UID of a file copied (or found) in
// this run, uid itself when unknown.
func (d *dataRun) fileDest(uid string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dest, ok := d.files[uid]; ok && dest != "" {
		return dest
	}
	return uid
}

// fileResource is the metadata of /api/fileResources/{uid}.
type fileResource struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	ContentType   string `json:"contentType"`
	Domain        string `json:"domain"`
	StorageStatus string `json:"storageStatus"`
}

// fileResourcesKeepUID reports whether POST /api/fileResources honours the
// uid parameter (2.39+); older versions give a new UID.
func fileResourcesKeepUID(v dhis2.Version) bool { return v.AtLeast(39) }

// copyFileResource makes sure the file resource a FILE_RESOURCE or IMAGE
// value names exists on the destination before the value is imported:
// the file is read from the source (/api/dataValues/files, or
// /api/fileResources/{uid}/data), uploaded with the same UID where the
// destination allows it (2.39+) or under a new one that the value then
// carries (the mapping is kept for later runs), and awaited until DHIS2
// has stored it.
func (d *dataRun) copyFileResource(ctx context.Context, v *dataValue) error {
	uid := v.Value
	if uid == "" || !validUID(uid) {
		return nil
	}
	if d.fileDone(uid) {
		return nil
	}
	if _, err := d.getFileResource(ctx, d.dst, uid); err == nil {
		d.markFile(uid, uid)
		return nil
	} else if !errors.Is(err, dhis2.KindNotFound) {
		return fmt.Errorf("destination: file resource %s: %w", uid, err)
	}
	srcUID := d.unmapFile(uid)
	meta, err := d.getFileResource(ctx, d.src, srcUID)
	if err != nil {
		return fmt.Errorf("source: file resource %s of %s: %w", srcUID, describeValue(v), err)
	}
	content, err := d.fileContent(ctx, v, srcUID)
	if err != nil {
		return fmt.Errorf("source: content of file resource %s: %w", srcUID, err)
	}
	newID, err := d.uploadFile(ctx, meta, content, uid)
	if err != nil {
		return fmt.Errorf("destination: upload file resource %s: %w", uid, err)
	}
	if err := d.awaitStored(ctx, newID); err != nil {
		return err
	}
	if newID != uid {
		if err := d.r.Opts.State.SaveIDMap(ctx, d.r.PairKey, IDMap{"fileResources": {srcUID: newID}}); err != nil {
			return fmt.Errorf("store the file resource mapping: %w", err)
		}
		v.Value = newID
	}
	d.markFile(uid, newID)
	return nil
}

func (d *dataRun) fileDone(uid string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.files[uid]
	return ok
}

func (d *dataRun) markFile(uid, dest string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.files == nil {
		d.files = map[string]string{}
	}
	d.files[uid] = dest
}

// unmapFile returns the source UID of a (possibly mapped) file UID.
func (d *dataRun) unmapFile(uid string) string { return d.unmapIDs([]string{uid})[0] }

func (d *dataRun) getFileResource(ctx context.Context, c *dhis2.Client, uid string) (*fileResource, error) {
	var fr fileResource
	if err := c.GetJSON(ctx, "fileResources/"+url.PathEscape(uid), nil, &fr); err != nil {
		return nil, err
	}
	return &fr, nil
}

// fileContent reads a data value's file from the source: DHIS2 serves
// DATA_VALUE files through /api/dataValues/files only.
func (d *dataRun) fileContent(ctx context.Context, v *dataValue, uid string) ([]byte, error) {
	ids := d.unmapIDs([]string{v.DE, v.OU, v.COC})
	q := url.Values{"de": {ids[0]}, "pe": {v.PE}, "ou": {ids[1]}, "co": {ids[2]}}
	data, err := d.readAllFrom(ctx, "dataValues/files", q)
	if err == nil {
		return data, nil
	}
	alt, err2 := d.readAllFrom(ctx, "fileResources/"+url.PathEscape(uid)+"/data", nil)
	if err2 != nil {
		return nil, err
	}
	return alt, nil
}

func (d *dataRun) readAllFrom(ctx context.Context, path string, q url.Values) ([]byte, error) {
	rc, err := d.src.Stream(ctx, path, q)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("the file is larger than %d bytes", maxFileBytes)
	}
	return data, nil
}

// uploadFile posts a file resource (multipart field "file") and returns
// its UID on the destination.
func (d *dataRun) uploadFile(ctx context.Context, meta *fileResource, content []byte, uid string) (string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	name := meta.Name
	if name == "" {
		name = uid
	}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, strings.ReplaceAll(name, `"`, "")))
	ct := meta.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	w, err := mw.CreatePart(h)
	if err != nil {
		return "", err
	}
	w.Write(content)
	mw.Close()
	domain := meta.Domain
	if domain == "" {
		domain = "DATA_VALUE"
	}
	q := url.Values{"domain": {domain}}
	body := dhis2.BytesBody(buf.Bytes(), mw.FormDataContentType())
	if fileResourcesKeepUID(d.r.Dest.Version()) {
		q.Set("uid", uid)
		body.Idempotent = true // the same UID cannot be created twice
	}
	resp, err := d.dst.Post(ctx, "fileResources", q, body)
	if err != nil {
		if isUnknown(err) && q.Get("uid") != "" {
			return uid, nil // awaitStored finds out
		}
		return "", err
	}
	var out struct {
		Response struct {
			FileResource fileResource `json:"fileResource"`
		} `json:"response"`
		FileResource *fileResource `json:"fileResource"`
	}
	if err := resp.DecodeJSON(&out); err != nil {
		return "", fmt.Errorf("read the upload answer: %w", err)
	}
	id := out.Response.FileResource.ID
	if id == "" && out.FileResource != nil {
		id = out.FileResource.ID
	}
	if id == "" {
		return "", errors.New("the upload answer names no file resource")
	}
	return id, nil
}

// awaitStored polls a file resource until DHIS2 reports it STORED (it is
// PENDING while the file store writes it); a value imported before that
// is refused.
func (d *dataRun) awaitStored(ctx context.Context, uid string) error {
	wait := 100 * time.Millisecond
	for attempt := 0; attempt < 30; attempt++ {
		fr, err := d.getFileResource(ctx, d.dst, uid)
		if err == nil && (fr.StorageStatus == "STORED" || fr.StorageStatus == "") {
			return nil
		}
		if err != nil && !errors.Is(err, dhis2.KindNotFound) {
			return fmt.Errorf("destination: file resource %s: %w", uid, err)
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return err
		}
		wait = min(wait*3/2, 2*time.Second)
	}
	return fmt.Errorf("destination: file resource %s was not stored in time (still PENDING)", uid)
}
