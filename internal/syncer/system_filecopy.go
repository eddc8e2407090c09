package syncer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// File resource domains (FileResourceDomain) and the first DHIS2 minor
// version that has each.
var fileDomainSince = map[string]int{
	"DATA_VALUE": 30, "PUSH_ANALYSIS": 30, "DOCUMENT": 30,
	"MESSAGE_ATTACHMENT": 34, "USER_AVATAR": 34, "ORG_UNIT": 38, "ICON": 40, "JOB_DATA": 40,
}

// maxSysFileBytes bounds one file download (DHIS2's default upload limit is
// 10,000,000 bytes; older servers may hold bigger files).
const maxSysFileBytes = 256 << 20

// storedTimeout bounds the wait for an uploaded file to turn STORED.
const storedTimeout = 2 * time.Minute

// fileMeta is GET /api/fileResources/{uid}.
type fileMeta struct {
	ID            string      `json:"id"`
	Name          string      `json:"name"`
	ContentType   string      `json:"contentType"`
	ContentLength json.Number `json:"contentLength"`
	ContentMd5    string      `json:"contentMd5"`
	Domain        string      `json:"domain"`
	StorageStatus string      `json:"storageStatus"`
}

func (m *fileMeta) size() int64 {
	n, _ := m.ContentLength.Int64()
	return n
}

// sameContent reports whether two file resources hold the same bytes, by
// MD5 when both have one, else by size.
func (m *fileMeta) sameContent(o *fileMeta) bool {
	if m.ContentMd5 != "" && o.ContentMd5 != "" {
		return strings.EqualFold(m.ContentMd5, o.ContentMd5)
	}
	return m.size() == o.size() && m.size() > 0
}

// fileCopy is the outcome of copying one file resource.
type fileCopy struct {
	SrcUID, DstUID string
	Domain         string
	Uploaded       bool // false: the destination already had it (or dry run)
	Planned        bool // dry run: it would be uploaded
	Meta           *fileMeta
}

// fileCopier copies file resources from the source to the destination:
// the files documents, org units, users and icons refer to (system stage)
// and those of FILE_RESOURCE/IMAGE data values (data stage). It keeps the
// source UID where the destination allows it (the uid parameter, 2.39+)
// and otherwise records the source → destination mapping in the run's ID
// map (type "fileResources"), which the metadata stage applies to the
// references. A file already on the destination with the same content is
// not uploaded again. In a dry run nothing is uploaded.
type fileCopier struct {
	r    *Run
	s    *sysRun
	mu   sync.Mutex
	done map[string]fileCopy
	reqs int
}

// fileCopier returns the run's file resource copier.
func (r *Run) fileCopier() *fileCopier {
	st := r.systemState()
	s := r.systemRun()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.files == nil {
		st.files = &fileCopier{r: r, s: s, done: map[string]fileCopy{}}
	}
	return st.files
}

// requests returns the number of HTTP requests made so far.
func (fc *fileCopier) requests() int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return fc.reqs
}

func (fc *fileCopier) request() {
	fc.mu.Lock()
	fc.reqs++
	fc.mu.Unlock()
}

// fileSpec names a source file resource to copy.
type fileSpec struct {
	UID    string // source file resource UID
	Domain string // DATA_VALUE, DOCUMENT, ORG_UNIT, USER_AVATAR, ICON …
	// Hint is a destination file resource UID that may already hold the
	// same content (e.g. the url of the destination's copy of a document),
	// "" when unknown.
	Hint string
	// DataPath is where the source serves the content; default
	// fileResources/{uid}/data. DHIS2 serves DATA_VALUE files only through
	// dataValues/files?de=&pe=&ou=&co=, and documents through
	// documents/{id}/data in every version (fileResources/{uid}/data
	// exists from 2.31, for most domains from 2.37).
	DataPath string
}

// has reports whether the source file resource was copied (or planned)
// in this run already.
func (fc *fileCopier) has(uid string) bool {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	_, ok := fc.done[uid]
	return ok
}

// copy makes sure the destination holds the source file resource. Calls
// for the same UID in one run are answered once.
func (fc *fileCopier) copy(ctx context.Context, spec fileSpec) (fileCopy, error) {
	fc.mu.Lock()
	if c, ok := fc.done[spec.UID]; ok {
		fc.mu.Unlock()
		return c, nil
	}
	fc.mu.Unlock()
	c, err := fc.copyOnce(ctx, spec)
	if err != nil {
		return c, fmt.Errorf("file resource %s: %w", spec.UID, err)
	}
	fc.mu.Lock()
	fc.done[spec.UID] = c
	fc.mu.Unlock()
	return c, nil
}

func (fc *fileCopier) copyOnce(ctx context.Context, spec fileSpec) (fileCopy, error) {
	uid, domain, hint := spec.UID, spec.Domain, spec.Hint
	c := fileCopy{SrcUID: uid, Domain: domain}
	if since, ok := fileDomainSince[domain]; ok && !fc.r.Dest.Version().AtLeast(since) {
		return c, fmt.Errorf("the destination's DHIS2 %s has no %s file domain (added in 2.%d)", fc.r.Dest.Info.VersionString, domain, since)
	}
	meta, err := fc.sourceMeta(ctx, uid)
	if err != nil {
		return c, err
	}
	c.Meta = meta
	if dst, err := fc.existing(ctx, uid, hint, meta); err != nil || dst != "" {
		c.DstUID = dst
		return c, err
	}
	if !fc.r.Opts.DryRun && !fc.r.VerifyOnly {
		c.DstUID, err = fc.upload(ctx, spec, meta)
		c.Uploaded = err == nil
		return c, err
	}
	c.Planned = true
	return c, nil
}

// sourceMeta reads the source file resource's metadata.
func (fc *fileCopier) sourceMeta(ctx context.Context, uid string) (*fileMeta, error) {
	var m fileMeta
	fc.request()
	if err := fc.r.Source.Client.GetJSON(ctx, "fileResources/"+url.PathEscape(uid), nil, &m); err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	if m.ID == "" {
		m.ID = uid
	}
	return &m, nil
}

// destMeta reads a destination file resource (nil, nil when absent).
func (fc *fileCopier) destMeta(ctx context.Context, uid string) (*fileMeta, error) {
	var m fileMeta
	fc.request()
	err := fc.r.Dest.Client.GetJSON(ctx, "fileResources/"+url.PathEscape(uid), nil, &m)
	if dhis2.KindOf(err) == dhis2.KindNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("destination: %w", err)
	}
	return &m, nil
}

// existing returns the destination UID already holding the content: the
// mapped UID (or the same UID), then the hint. A hint that matches is
// remembered as the mapping.
func (fc *fileCopier) existing(ctx context.Context, uid, hint string, meta *fileMeta) (string, error) {
	cands := []string{fc.s.mapped(ctx, "fileResources", uid)}
	if hint != "" && hint != cands[0] {
		cands = append(cands, hint)
	}
	for _, id := range cands {
		m, err := fc.destMeta(ctx, id)
		if err != nil {
			return "", err
		}
		if m != nil && meta.sameContent(m) {
			if id != uid && !fc.r.VerifyOnly && !fc.r.Opts.DryRun {
				if err := fc.s.remember(ctx, "fileResources", uid, id); err != nil {
					return "", err
				}
			}
			return id, nil
		}
	}
	return "", nil
}

// upload downloads the source content, checks it against the source MD5,
// uploads it (with the source UID on 2.39+) and waits until it is STORED.
func (fc *fileCopier) upload(ctx context.Context, spec fileSpec, meta *fileMeta) (string, error) {
	uid, domain := spec.UID, spec.Domain
	dataPath := spec.DataPath
	if dataPath == "" {
		dataPath = "fileResources/" + url.PathEscape(uid) + "/data"
	}
	fc.request()
	f, err := fc.r.Source.Client.Download(ctx, dataPath, nil, maxSysFileBytes)
	if err != nil {
		return "", fmt.Errorf("source: %w", err)
	}
	sum := md5.Sum(f.Data)
	if meta.ContentMd5 != "" && !strings.EqualFold(hex.EncodeToString(sum[:]), meta.ContentMd5) {
		return "", fmt.Errorf("source: the content read (%d bytes) does not match the file's MD5 %s", len(f.Data), meta.ContentMd5)
	}
	keep := fc.r.Dest.Version().AtLeast(39)
	if keep {
		// The same UID may be taken on the destination by other content.
		if m, err := fc.destMeta(ctx, uid); err != nil {
			return "", err
		} else if m != nil {
			keep = false
		}
	}
	dst, err := fc.post(ctx, uid, domain, meta, f, keep)
	if err != nil {
		return "", err
	}
	if dst != uid {
		if err := fc.s.remember(ctx, "fileResources", uid, dst); err != nil {
			return "", err
		}
	}
	return dst, fc.waitStored(ctx, dst)
}

// post sends the multipart upload and returns the new UID.
func (fc *fileCopier) post(ctx context.Context, uid, domain string, meta *fileMeta, f *dhis2.File, keepUID bool) (string, error) {
	ct := meta.ContentType
	if ct == "" {
		ct = f.ContentType
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	name := meta.Name
	if name == "" {
		name = uid
	}
	body, contentType, err := multipartFile("file", name, ct, f.Data)
	if err != nil {
		return "", err
	}
	q := url.Values{"domain": {domain}}
	if keepUID {
		q.Set("uid", uid)
	}
	b := dhis2.BytesBody(body, contentType)
	b.Idempotent = keepUID // with a fixed UID a repeat cannot create a duplicate
	fc.request()
	resp, err := fc.r.Dest.Client.Post(ctx, "fileResources", q, b)
	if err != nil {
		return "", fmt.Errorf("upload to the destination: %w", err)
	}
	id := uploadedID(resp.Body)
	if id == "" {
		return "", fmt.Errorf("upload to the destination: the answer names no file resource: %s", truncateText(string(resp.Body), 200))
	}
	return id, nil
}

// multipartFile builds a multipart/form-data body with one file field.
func multipartFile(field, name, contentType string, data []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, name))
	h.Set("Content-Type", contentType)
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(data); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// uploadedID finds the file resource UID in an upload answer: the
// WebMessage's response.fileResource.id, or a bare file resource.
func uploadedID(body []byte) string {
	var wm struct {
		ID       string `json:"id"`
		Response struct {
			FileResource struct {
				ID string `json:"id"`
			} `json:"fileResource"`
		} `json:"response"`
	}
	if json.Unmarshal(body, &wm) != nil {
		return ""
	}
	if wm.Response.FileResource.ID != "" {
		return wm.Response.FileResource.ID
	}
	return wm.ID
}

var errNotStored = errors.New("the destination did not store the file")

// waitStored polls the destination until the file is STORED.
func (fc *fileCopier) waitStored(ctx context.Context, uid string) error {
	delay := 20 * time.Millisecond
	deadline := time.Now().Add(storedTimeout)
	for {
		m, err := fc.destMeta(ctx, uid)
		if err != nil {
			return err
		}
		switch {
		case m == nil:
			return fmt.Errorf("%w: file resource %s vanished after the upload", errNotStored, uid)
		case m.StorageStatus == "" || m.StorageStatus == "STORED":
			return nil
		case m.StorageStatus == "FAILED":
			return fmt.Errorf("%w: file resource %s is FAILED", errNotStored, uid)
		case time.Now().After(deadline):
			return fmt.Errorf("%w: file resource %s still %s after %s", errNotStored, uid, m.StorageStatus, storedTimeout)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, time.Second)
	}
}
