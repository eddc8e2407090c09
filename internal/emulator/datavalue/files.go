package datavalue

import "strings"

// npeMessage is the message of the NullPointerException DHIS2 throws
// (on Java 14+) when a FILE_RESOURCE or IMAGE value names a file resource
// that does not exist: DefaultDataValueSetService calls
// fileResourceService.getFileResource(value).setAssigned(true).
const npeMessage = `Cannot invoke "org.hisp.dhis.fileresource.FileResource.setAssigned(boolean)" because "fr" is null`

// failedPrefix starts the description of an import that stopped with an
// exception (DefaultDataValueSetService.importDataValueSet's catch).
const failedPrefix = "The import process failed: "

// checkFile records, outside the store's lock, whether the file resource
// a file value names exists (the lock is never held while calling the
// FileCatalog). Dry runs do not touch file resources, as in DHIS2.
func (im *importer) checkFile(o *op) {
	if !o.file || im.files == nil || im.opts.DryRun || o.value == "" {
		return
	}
	o.fileOK = im.files.FileResourceExists(o.value)
}

// claimNew handles the file resource of a value being created (or revived
// from a soft delete): it must exist, else the whole import fails, and it
// is marked assigned once the store's lock is released.
func (im *importer) claimNew(o *op) bool {
	if !o.file || im.files == nil || im.opts.DryRun {
		return true
	}
	if !o.fileOK {
		im.fail()
		return false
	}
	im.assign = append(im.assign, o.value)
	return true
}

// claimUpdate handles the file resource of an updated file value:
// DHIS2 ≤2.37 treat the new value like a created one (unless the value is
// unchanged and the write skipped); 2.38+ mark the existing value's file
// resource assigned when the value is kept, whether or not it exists.
func (im *importer) claimUpdate(o *op, existing *record, unchanged bool) bool {
	if !o.file || im.files == nil || im.opts.DryRun {
		return true
	}
	if im.opts.LegacyFileUpdate {
		if unchanged {
			return true
		}
		return im.claimNew(o)
	}
	if !o.deleted {
		if v := im.s.txt.get(existing.value); v != "" {
			im.assign = append(im.assign, strings.Clone(v))
		}
	}
	return true
}

// fail stops the import the way DHIS2's uncaught NullPointerException
// does: status ERROR, no counts, no conflicts.
func (im *importer) fail() {
	msg := "null"
	if im.opts.HelpfulNPE {
		msg = npeMessage
	}
	im.failure = failedPrefix + msg
}

// assignFiles marks the file resources of the values just written as
// assigned; the caller does not hold the store's lock.
func (im *importer) assignFiles() {
	for _, uid := range im.assign {
		im.files.AssignFileResource(uid)
	}
	im.assign = im.assign[:0]
}

// failed is the summary of an import stopped by a missing file resource.
// Values applied before the failing one stay (DHIS2 catches the exception
// and the transaction still commits); the failing value is not written.
func (im *importer) failed() *Summary {
	return &Summary{Status: StatusError, Description: im.failure, Failed: true}
}
