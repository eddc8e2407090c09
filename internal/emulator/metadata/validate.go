package metadata

import (
	"sort"
)

// validate runs DHIS2's validation chain for the import strategy on every
// type of the payload (ServiceConfig.validatorsByImportStrategy).
func (im *importer) validate() {
	for _, b := range im.batches {
		if im.params.ImportStrategy == "DELETE" {
			im.checkDeletion(b)
			continue
		}
		im.checkDuplicateIDs(b)
		im.checkHooks(b)
		switch im.params.ImportStrategy {
		case "CREATE":
			im.checkCreation(b)
		case "UPDATE":
			im.checkUpdate(b)
		}
		if !im.params.SkipValidation {
			im.checkSchema(b)
		}
		im.checkUniqueness(b)
		im.checkMandatoryAttributes(b)
		im.checkUniqueAttributes(b)
		im.checkReferences(b)
		if im.params.ImportStrategy != "UPDATE" {
			im.checkUIDFormat(b)
		}
		im.checkDashboards(b)
	}
}

// checkDuplicateIDs is DuplicateIdsCheck: it compares each object with the
// previous one of the bundle list only, so only adjacent duplicates are found.
func (im *importer) checkDuplicateIDs(b *batch) {
	last := ""
	for _, e := range b.ordered() {
		if last != "" && last == e.uid {
			er := im.newError(b.schema.Klass, "E5004", e.uid, "class "+b.schema.Klass)
			er.MainID, er.ErrorProperty = e.uid, "id"
			if er.ErrorProperties != nil {
				er.ErrorProperties = []any{e.uid, b.schema.Klass}
			}
			im.report(b, e, true, er)
			continue
		}
		last = e.uid
	}
}

// checkCreation is CreationCheck (E5000).
func (im *importer) checkCreation(b *batch) {
	for _, e := range b.ordered() {
		if e.persisted() {
			er := im.newError(b.schema.Klass, "E5000", im.params.Identifier, im.ident(b.schema, e.obj, e.uid))
			er.MainID = e.uid
			im.report(b, e, true, er)
		}
	}
}

// checkUpdate is UpdateCheck (E5001).
func (im *importer) checkUpdate(b *batch) {
	for _, e := range b.ordered() {
		if !e.persisted() {
			er := im.newError(b.schema.Klass, "E5001", im.params.Identifier, im.ident(b.schema, e.obj, e.uid))
			er.MainID, er.ErrorProperty = e.uid, "id"
			im.report(b, e, true, er)
		}
	}
}

// checkDeletion is DeletionCheck (E5001 for objects that do not exist).
func (im *importer) checkDeletion(b *batch) {
	for _, e := range b.ordered() {
		if !e.persisted() {
			er := im.newError(b.schema.Klass, "E5001", im.params.Identifier, im.ident(b.schema, e.obj, e.uid))
			im.report(b, e, true, er)
		}
	}
}

// checkUIDFormat is UidFormatCheck (E4014) on new objects.
func (im *importer) checkUIDFormat(b *batch) {
	for _, e := range b.ordered() {
		if !e.persisted() && !ValidUID(e.uid) {
			im.report(b, e, true, im.newError(b.schema.Klass, "E4014", e.uid, b.schema.SimpleName()))
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
