package syncer

import (
	"context"
	"net/url"
)

// copyDataValueFile copies the file of a FILE_RESOURCE or IMAGE data value
// (its value is the file resource UID) from the source, where DHIS2 serves
// it at dataValues/files?de=&pe=&ou=&co=, and returns the UID the
// destination knows it by: the same UID where the destination allows it
// (2.39+), else a new one, also recorded in the pair's ID map (type
// fileResources). Ids are the source's; a default category option combo
// is left out of the query. In a dry run nothing is uploaded.
func (r *Run) copyDataValueFile(ctx context.Context, v *dataValue) (string, error) {
	q := url.Values{"de": {v.DE}, "pe": {v.PE}, "ou": {v.OU}}
	if v.COC != "" && v.COC != DefaultUIDs["categoryOptionCombos"] {
		q.Set("co", v.COC)
	}
	if v.AOC != "" && v.AOC != DefaultUIDs["categoryOptionCombos"] {
		q.Set("cp", v.AOC)
	}
	c, err := r.fileCopier().copy(ctx, fileSpec{UID: v.Value, Domain: "DATA_VALUE", DataPath: "dataValues/files?" + q.Encode()})
	if err != nil {
		return "", err
	}
	if c.DstUID == "" {
		return v.Value, nil
	}
	return c.DstUID, nil
}

// dataValueFileRefs returns the data value files copied in this run, for
// the file verification.
func (fc *fileCopier) dataValueFileRefs() []fileRef {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	var out []fileRef
	for _, uid := range keysOf(fc.done) {
		if c := fc.done[uid]; c.Domain == "DATA_VALUE" {
			out = append(out, fileRef{UID: uid, Domain: c.Domain, OwnerType: "dataValues"})
		}
	}
	return out
}
