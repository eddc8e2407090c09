package metadata

import "regexp"

// FileStore is the metadata engine's view of the file resources that
// internal documents point at (a document's url is then the UID of an
// uploaded file resource). It must be safe for concurrent use and must not
// call back into the Store.
type FileStore interface {
	// FileResource reports whether the file resource exists and whether
	// it is assigned to an object already.
	FileResource(uid string) (exists, assigned bool)
	// AssignDocument marks the file resource as the file of a document:
	// assigned, domain DOCUMENT (DocumentObjectBundleHook.saveDocument).
	AssignDocument(uid string)
}

// documentURLPattern is DocumentObjectBundleHook.URL_PATTERN (the whole
// url must match), unchanged from 2.30 to 2.42.
var documentURLPattern = regexp.MustCompile(`^https?://[-a-zA-Z0-9+&@#/%?=~_|!:,.;]*[-a-zA-Z0-9+&@#/%=~_|]$`)

const documentKlass = "org.hisp.dhis.document.Document"

// documentHookErrors is DocumentObjectBundleHook.validate, the same in
// every version from 2.30 to 2.42; the first failing rule wins:
//   - no url: E4000;
//   - an external document's url is not an http(s) URL: E4004;
//   - an internal document's file resource does not exist: E4015;
//   - it is assigned already: E4016. DHIS2 checks this for updates too,
//     so re-importing an internal document whose file resource it has
//     assigned on creation is refused.
//
// Without a FileStore (Options.Files) the file resource rules are skipped.
func (im *importer) documentHookErrors(e *entry) []ErrorReport {
	url, hasURL := e.obj["url"].(string)
	external, _ := e.obj["external"].(bool)
	switch {
	case !hasURL:
		return []ErrorReport{im.newError(documentKlass, "E4000", "url")}
	case external:
		if !documentURLPattern.MatchString(url) {
			return []ErrorReport{im.newError(documentKlass, "E4004", "url", url)}
		}
		return nil
	case im.store.files == nil:
		return nil
	}
	switch exists, assigned := im.store.files.FileResource(url); {
	case !exists:
		return []ErrorReport{im.newError(documentKlass, "E4015", "url", url)}
	case assigned:
		return []ErrorReport{im.newError(documentKlass, "E4016", "url", url)}
	}
	return nil
}

// noteDocumentFile remembers the file resource of a committed internal
// document, assigned once the store's lock is released (postCreate and
// postUpdate of DocumentObjectBundleHook).
func (im *importer) noteDocumentFile(sc *Schema, o Object) {
	if sc.Singular != "document" || im.store.files == nil {
		return
	}
	if ext, _ := o["external"].(bool); ext {
		return
	}
	if url, ok := o["url"].(string); ok && url != "" {
		im.docFiles = append(im.docFiles, url)
	}
}

// assignDocumentFiles marks the noted file resources as document files;
// the caller does not hold the store's lock.
func (im *importer) assignDocumentFiles() {
	for _, uid := range im.docFiles {
		im.store.files.AssignDocument(uid)
	}
}
