package system

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"mime"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// File resource domains (FileResourceDomain).
const (
	DomainDataValue         = "DATA_VALUE"
	DomainPushAnalysis      = "PUSH_ANALYSIS"
	DomainDocument          = "DOCUMENT"
	DomainMessageAttachment = "MESSAGE_ATTACHMENT"
	DomainUserAvatar        = "USER_AVATAR"
	DomainOrgUnit           = "ORG_UNIT"
	DomainIcon              = "ICON"
	DomainJobData           = "JOB_DATA"
)

// Storage statuses of a file resource.
const (
	StatusPending = "PENDING"
	StatusStored  = "STORED"
)

// FileResource is an uploaded file: DHIS2's FileResource metadata plus
// the content. StorageStatus is derived from StoredAt and the clock.
type FileResource struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	ContentType   string    `json:"contentType"`
	ContentLength int64     `json:"contentLength"`
	ContentMD5    string    `json:"contentMd5"`
	Domain        string    `json:"domain"`
	Created       time.Time `json:"created"`
	LastUpdated   time.Time `json:"lastUpdated"`
	StoredAt      time.Time `json:"storedAt"`
	CreatedBy     UserRef   `json:"createdBy"`
	Assigned      bool      `json:"assigned"`
	Content       []byte    `json:"content"`
}

// Upload is one POST /api/fileResources: the multipart file's name,
// content type and bytes, the domain parameter (default DATA_VALUE) and
// the uid parameter (honoured from 2.39, ignored before).
type Upload struct {
	Name        string
	ContentType string
	Content     []byte
	Domain      string
	UID         string
}

// Files is /api/fileResources. Uploads are PENDING for the store delay,
// then STORED; unassigned files older than two hours are purged.
type Files struct {
	sys *System

	mu    sync.RWMutex
	byUID map[string]*FileResource
}

func newFiles(s *System) *Files { return &Files{sys: s, byUID: map[string]*FileResource{}} }

// Domains returns the file resource domains of the emulated version.
func (f *Files) Domains() []string {
	p := f.sys.prof
	d := []string{DomainDataValue, DomainPushAnalysis, DomainDocument}
	if p.AvatarDomains {
		d = append(d, DomainMessageAttachment, DomainUserAvatar)
	}
	if p.OrgUnitImages {
		d = append(d, DomainOrgUnit)
	}
	if p.IconDomain {
		d = append(d, DomainIcon, DomainJobData)
	}
	return d
}

// blocked content types and file extensions (FileResourceBlocklist).
var (
	blockedTypes = []string{"text/html", "text/css", "text/javascript", "font/otf", "application/x-shockwave-flash",
		"application/vnd.debian.binary-package", "application/x-rpm", "application/java-archive",
		"application/x-ms-dos-executable", "application/vnd.microsoft.portable-executable",
		"application/vnd.apple.installer+xml", "application/vnd.mozilla.xul+xml", "application/x-httpd-php",
		"application/x-sh", "application/x-csh"}
	blockedExtensions = []string{"html", "htm", "css", "js", "mjs", "otf", "swf", "deb", "rpm", "jar", "jsp", "exe",
		"msi", "mpkg", "xul", "php", "bin", "sh", "csh", "bat"}
	imageExtensions = []string{"jpg", "jpeg", "png", "gif"}
	imageTypes      = []string{"image/jpeg", "image/png", "image/gif"}
)

func extension(name string) string {
	return strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
}

// Upload stores a new file resource (HTTP 202 with storageStatus PENDING).
func (f *Files) Upload(c Caller, up Upload) (*FileResource, error) {
	p := f.sys.prof
	if up.Domain == "" || !p.FileResourceData {
		up.Domain = DomainDataValue // 2.30 has no domain parameter
	}
	if !slices.Contains(f.Domains(), up.Domain) {
		return nil, badRequest("Value '%s' is not valid for parameter domain. Valid values are: [%s]", up.Domain, strings.Join(f.Domains(), ", "))
	}
	size := int64(len(up.Content))
	if p.FileSizeLimit && size > f.sys.opts.MaxUploadSize {
		return nil, f.sys.conflict("File size can't be bigger than %d, current file size %d", f.sys.opts.MaxUploadSize, size)
	}
	if err := f.checkDomainRules(up); err != nil {
		return nil, err
	}
	name := path.Base(strings.ReplaceAll(up.Name, "\\", "/"))
	if strings.TrimSpace(up.Name) == "" || name == "." || name == "/" {
		name = "untitled"
	}
	ct := up.ContentType
	if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
		ct = "application/octet-stream"
	}
	if size == 0 {
		return nil, f.sys.conflict("Could not read file or file is empty.")
	}
	uid := ""
	if p.FileResourceUID && up.UID != "" {
		if !ValidUID(up.UID) {
			return nil, newError(KindConflict, "E4014", "Invalid UID `%s` for property `FileResource`", up.UID)
		}
		uid = up.UID
	}
	if p.FileBlocklist && (slices.Contains(blockedTypes, strings.ToLower(baseType(ct))) || slices.Contains(blockedExtensions, extension(name))) {
		return nil, newError(KindConflict, "E6101", "File type not allowed")
	}
	f.Purge(nil)
	f.mu.Lock()
	defer f.mu.Unlock()
	if uid != "" {
		if _, ok := f.byUID[uid]; ok {
			return nil, newError(KindConflict, "E1119", "FileResource already exists: `%s`", uid)
		}
	} else {
		uid = NewUID()
	}
	now := f.sys.now()
	stored := now.Add(f.sys.opts.StoreDelay)
	if f.sys.opts.StoreDelay < 0 {
		stored = now
	}
	sum := md5.Sum(up.Content)
	fr := &FileResource{ID: uid, Name: name, ContentType: ct, ContentLength: size, ContentMD5: hex.EncodeToString(sum[:]),
		Domain: up.Domain, Created: now, LastUpdated: now, StoredAt: stored, CreatedBy: c.ref(), Content: bytes.Clone(up.Content)}
	f.byUID[uid] = fr
	return f.view(fr, now), nil
}

func baseType(ct string) string {
	t, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(t)
}

// checkDomainRules applies the image rules of the ICON, USER_AVATAR and
// ORG_UNIT domains (FileResourceUtils).
func (f *Files) checkDomainRules(up Upload) error {
	switch up.Domain {
	case DomainIcon:
		if extension(up.Name) != "png" {
			return f.sys.conflict("Wrong file extension, valid extensions are: png")
		}
		if len(up.Content) > 25_000_000 {
			return f.sys.conflict("File size can't be bigger than %d, current file size %d", 25_000_000, len(up.Content))
		}
	case DomainUserAvatar, DomainOrgUnit:
		if !slices.Contains(imageTypes, baseType(up.ContentType)) {
			return f.sys.conflict("Invalid content type, valid content types are: %s", strings.Join(imageTypes, ","))
		}
		if !slices.Contains(imageExtensions, extension(up.Name)) {
			return f.sys.conflict("Wrong file extension, valid extensions are: %s", strings.Join(imageExtensions, ","))
		}
		limit := 2_000_000
		if up.Domain == DomainOrgUnit {
			limit = 8_000_000
		}
		if len(up.Content) > limit {
			return f.sys.conflict("File size can't be bigger than %d, current file size %d", limit, len(up.Content))
		}
	}
	return nil
}

// view returns a copy of fr without its content, with the storage status
// of the moment.
func (f *Files) view(fr *FileResource, now time.Time) *FileResource {
	c := *fr
	c.Content = nil
	if now.Before(fr.StoredAt) {
		c.StoredAt = fr.StoredAt
	}
	return &c
}

// Downloadable reports whether GET /api/fileResources/{uid}/data serves
// fr to c: never DATA_VALUE or PUSH_ANALYSIS files (those are read through
// /api/dataValues/files), USER_AVATAR only with F_USER_VIEW; before 2.37
// only DOCUMENT and USER_AVATAR files.
func (f *Files) Downloadable(fr *FileResource, c Caller) bool {
	switch fr.Domain {
	case DomainUserAvatar:
		return c.Has("F_USER_VIEW")
	case DomainDocument:
		return true
	case DomainDataValue, DomainPushAnalysis:
		return false
	}
	return f.sys.prof.FileDataOpenDomains
}

// Status returns the storage status of fr at the system clock.
func (f *Files) Status(fr *FileResource) string {
	if f.sys.now().Before(fr.StoredAt) {
		return StatusPending
	}
	return StatusStored
}

// Get returns the metadata of a file resource (no content); 404 when
// missing.
func (f *Files) Get(uid string) (*FileResource, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	fr, ok := f.byUID[uid]
	if !ok {
		return nil, newError(KindNotFound, "E1005", "FileResource with id %s could not be found.", uid)
	}
	return f.view(fr, f.sys.now()), nil
}

// Content returns the metadata and the bytes of a file resource.
func (f *Files) Content(uid string) (*FileResource, []byte, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	fr, ok := f.byUID[uid]
	if !ok {
		return nil, nil, newError(KindNotFound, "E1005", "FileResource with id %s could not be found.", uid)
	}
	return f.view(fr, f.sys.now()), fr.Content, nil
}

// SetAssigned marks a file resource as referenced (by a data value,
// document, icon, avatar…) or not; false when it does not exist.
func (f *Files) SetAssigned(uid string, assigned bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fr, ok := f.byUID[uid]
	if ok {
		fr.Assigned = assigned
		fr.LastUpdated = f.sys.now()
	}
	return ok
}

// AssignDocument makes a file resource the file of an internal document:
// assigned, domain DOCUMENT (DocumentObjectBundleHook.saveDocument); false
// when it does not exist.
func (f *Files) AssignDocument(uid string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fr, ok := f.byUID[uid]
	if ok {
		fr.Assigned, fr.Domain = true, DomainDocument
		fr.LastUpdated = f.sys.now()
	}
	return ok
}

// Delete removes a file resource.
func (f *Files) Delete(uid string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.byUID[uid]
	delete(f.byUID, uid)
	return ok
}

// Purge deletes the unassigned file resources older than UnassignedTTL
// that referenced (when not nil) does not claim, as DHIS2's file resource
// clean-up job does. It returns how many it deleted. referenced is called
// without the store's lock held, so it may read other stores (whose
// writers may call into Files).
func (f *Files) Purge(referenced func(uid string) bool) int {
	cutoff := f.sys.now().Add(-UnassignedTTL)
	expired := func(fr *FileResource) bool { return !fr.Assigned && fr.Created.Before(cutoff) }
	f.mu.RLock()
	var candidates []string
	for uid, fr := range f.byUID {
		if expired(fr) {
			candidates = append(candidates, uid)
		}
	}
	f.mu.RUnlock()
	if referenced != nil {
		candidates = slices.DeleteFunc(candidates, referenced)
	}
	if len(candidates) == 0 {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, uid := range candidates {
		if fr, ok := f.byUID[uid]; ok && expired(fr) {
			delete(f.byUID, uid)
			n++
		}
	}
	return n
}

// Seed stores fr as given (id, dates, domain, assigned kept); the content
// length and MD5 are computed. Seeded files are STORED.
func (f *Files) Seed(fr FileResource) {
	if fr.ID == "" {
		fr.ID = NewUID()
	}
	fr.Content = bytes.Clone(fr.Content)
	fr.ContentLength = int64(len(fr.Content))
	sum := md5.Sum(fr.Content)
	fr.ContentMD5 = hex.EncodeToString(sum[:])
	if fr.LastUpdated.IsZero() {
		fr.LastUpdated = fr.Created
	}
	fr.StoredAt = fr.Created
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byUID[fr.ID] = &fr
}

// List returns the metadata of every file resource, sorted by UID.
func (f *Files) List() []*FileResource {
	f.mu.RLock()
	defer f.mu.RUnlock()
	now := f.sys.now()
	out := make([]*FileResource, 0, len(f.byUID))
	for _, uid := range sortedKeys(f.byUID) {
		out = append(out, f.view(f.byUID[uid], now))
	}
	return out
}

// Render returns the JSON of GET /api/fileResources/{uid} in the shape of
// the emulated version.
func (f *Files) Render(fr *FileResource) map[string]any {
	s := f.sys
	owner := fr.CreatedBy
	m := map[string]any{
		"id": fr.ID, "name": fr.Name, "displayName": fr.Name, "created": s.FormatTime(fr.Created),
		"lastUpdated": s.FormatTime(fr.LastUpdated), "contentType": fr.ContentType, "contentLength": fr.ContentLength,
		"contentMd5": fr.ContentMD5, "domain": fr.Domain, "storageStatus": f.Status(fr), "hasMultipleStorageFiles": false,
		"translations": []any{}, "attributeValues": []any{}, "favorites": []any{}, "favorite": false,
		"createdBy": owner.render(), "lastUpdatedBy": map[string]any{"id": owner.ID},
	}
	sh := Sharing{Users: map[string]string{}, UserGroups: map[string]string{}}
	if s.prof.Sharing != profile.SharingLegacy { // 2.36+: sharing{}
		m["sharing"] = s.renderSharing(sh)
	}
	if s.prof.Version.Minor < 41 {
		m["user"] = owner.render()
		m["externalAccess"] = false
		m["userAccesses"] = []any{}
		m["userGroupAccesses"] = []any{}
	}
	if s.prof.FileAssignedField {
		m["assigned"] = fr.Assigned
	}
	if fr.Domain == DomainUserAvatar || fr.Domain == DomainOrgUnit || fr.Domain == DomainIcon || fr.Domain == DomainDataValue && strings.HasPrefix(fr.ContentType, "image/") {
		m["hasMultipleStorageFiles"] = fr.Domain != DomainDataValue
	}
	return m
}
