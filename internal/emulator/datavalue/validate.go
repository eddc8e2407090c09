package datavalue

import (
	"slices"
	"strings"

	"github.com/d2sync/d2sync/internal/period"
)

// validate runs DataValueSetImportValidator's value checks in its order;
// the first failure adds a conflict and rejects the value.
func (im *importer) validate(index int, in Input) (op, bool) {
	o := op{index: index}
	de, k, args := im.resolve(&o, in)
	if k == nil {
		k, args = im.checkContent(&o, de, in)
	}
	if k != nil {
		im.cs.add(index, *k, args...)
		im.reject(index)
		return op{}, false
	}
	im.fill(&o, de, in, normalizeBoolean(in.Value, de.ValueType))
	im.checkFile(&o)
	return o, true
}

// resolve finds the value's data element, period, org unit and option
// combos (E7610–E7615); header identifiers win over the value's own.
func (im *importer) resolve(o *op, in Input) (*DataElement, *conflictKind, []string) {
	o.de = strings.TrimSpace(in.DataElement)
	de := im.dataElement(o.de)
	if o.de == "" || de == nil {
		return nil, &e7610, []string{in.DataElement}
	}
	if o.pe = im.outerPe; o.pe.IsZero() {
		if o.pe = im.period(strings.TrimSpace(in.Period)); o.pe.IsZero() {
			return nil, &e7611, []string{in.Period}
		}
	}
	if o.ou = im.outerOU; o.ou == "" {
		if o.ou = strings.TrimSpace(in.OrgUnit); o.ou == "" || !im.orgUnit(o.ou) {
			return nil, &e7612, []string{in.OrgUnit}
		}
	}
	if o.coc = strings.TrimSpace(in.CategoryOptionCombo); o.coc != "" && im.optionCombo(o.coc) == nil {
		return nil, &e7613, []string{in.CategoryOptionCombo}
	}
	if o.aoc = im.outerAOC; o.aoc == "" {
		if o.aoc = strings.TrimSpace(in.AttributeOptionCombo); o.aoc != "" && im.optionCombo(o.aoc) == nil {
			return nil, &e7615, []string{in.AttributeOptionCombo}
		}
	}
	return de, nil, nil
}

// checkContent runs the checks after resolution (E7618–E7641).
func (im *importer) checkContent(o *op, de *DataElement, in Input) (*conflictKind, []string) {
	if !in.HasValue && !in.HasComment && !in.Deleted && im.opts.Strategy != Delete {
		return &e7618, []string{in.DataElement}
	}
	if key := checkValue(normalizeBoolean(in.Value, de.ValueType), de); key != "" {
		return &e7619, []string{in.DataElement, key}
	}
	if utf16Len(in.Comment) > maxValueLength && strings.TrimSpace(in.Comment) != "" {
		return &e7620, []string{"comment_length_greater_than_max_length"}
	}
	if de.OptionSet != "" && in.HasValue && !im.optionsExist(de, in.Value) {
		return &e7621, []string{in.DataElement}
	}
	if o.coc == "" {
		if im.opts.RequireCategoryOptionCombo {
			return &e7630, nil
		}
		o.coc = im.opts.defaultCombo()
	}
	if o.aoc == "" {
		if im.opts.RequireAttributeOptionCombo {
			return &e7631, nil
		}
		o.aoc = im.opts.defaultCombo()
	}
	if k, args := im.strict(o, de, in); k != nil {
		return k, args
	}
	if utf16Len(in.StoredBy) > maxStoredByLength && strings.TrimSpace(in.StoredBy) != "" {
		return &e7637, []string{"stored_by_length_greater_than_max_length"}
	}
	return im.futurePeriod(o, de, in)
}

func (im *importer) optionsExist(de *DataElement, v string) bool {
	codes := []string{v}
	if de.ValueType == TypeMultiText {
		codes = strings.Split(v, ",")
	}
	for _, c := range codes {
		if !im.cat.OptionExists(de.OptionSet, c) {
			return false
		}
	}
	return true
}

// strict runs the checks enabled by the strict* and require* options
// (E7632–E7636).
func (im *importer) strict(o *op, de *DataElement, in Input) (*conflictKind, []string) {
	if im.opts.StrictPeriods && !slices.Contains(im.dataSetPeriodTypes(de), o.pe.Type()) {
		return &e7632, []string{in.Period, in.DataElement}
	}
	if im.opts.StrictDataElements {
		targets := de.DataSets
		if im.ds != nil {
			targets = []string{im.dsID}
		}
		if !slices.ContainsFunc(targets, func(ds string) bool { return slices.Contains(de.DataSets, ds) }) {
			return &e7633, []string{in.DataElement, strings.Join(targets, ",")}
		}
	}
	if im.opts.StrictCategoryOptionCombos {
		if c := im.optionCombo(o.coc); c == nil || c.CategoryCombo != de.CategoryCombo {
			return &e7634, []string{in.CategoryOptionCombo, in.DataElement}
		}
	}
	if im.opts.StrictAttributeOptionCombos {
		c := im.optionCombo(o.aoc)
		ok := false
		for _, id := range de.DataSets {
			if ds, found := im.cat.DataSet(id); found && c != nil && ds.CategoryCombo == c.CategoryCombo {
				ok = true
				break
			}
		}
		if !ok {
			return &e7635, []string{in.AttributeOptionCombo, in.DataElement}
		}
	}
	if im.opts.StrictOrganisationUnits && !slices.ContainsFunc(de.DataSets, func(ds string) bool { return im.cat.DataSetAssigned(ds, o.ou) }) {
		return &e7636, []string{in.OrgUnit, in.DataElement}
	}
	return nil, nil
}

func (im *importer) dataSetPeriodTypes(de *DataElement) []period.Type {
	var out []period.Type
	for _, id := range de.DataSets {
		if ds, ok := im.cat.DataSet(id); ok {
			out = append(out, ds.PeriodType)
		}
	}
	return out
}

// futurePeriod is checkDataValueNotAfterLatestOpenFuturePeriod: the period
// may not start after the latest open future period of each target data
// set (the header's data set, else the element's data sets).
func (im *importer) futurePeriod(o *op, de *DataElement, in Input) (*conflictKind, []string) {
	if im.opts.Force {
		return nil, nil
	}
	targets := de.DataSets
	if im.ds != nil {
		targets = []string{im.dsID}
	}
	for _, id := range targets {
		ds, ok := im.cat.DataSet(id)
		if !ok || !ds.PeriodType.Valid() {
			continue
		}
		latest := period.Of(ds.PeriodType, im.now.In(im.opts.location()))
		for i := 0; i < ds.OpenFuturePeriods; i++ {
			latest = latest.Next()
		}
		if o.pe.StartDay() > latest.EndDay() {
			return &e7641, []string{in.Period, in.DataElement, id, latest.String()}
		}
	}
	return nil, nil
}

// fill computes the internal value (createDataValue).
func (im *importer) fill(o *op, de *DataElement, in Input, value string) {
	o.file = de.ValueType.IsFile()
	o.zero = zeroInsignificant(in.Value, de)
	o.value = strings.TrimSpace(value)
	o.comment = strings.TrimSpace(in.Comment)
	o.storedBy = in.StoredBy
	if strings.TrimSpace(o.storedBy) == "" {
		o.storedBy = im.opts.User
	}
	o.followUp, o.deleted = in.FollowUp, in.Deleted
	o.created, o.lastUpdated = im.now.UnixMilli(), im.now.UnixMilli()
	if im.opts.KeepTimestamps {
		loc := im.opts.location()
		if t, ok := parseDateOrTimestamp(strings.TrimSpace(in.Created), loc); ok {
			o.created, o.keepCreated = t.UnixMilli(), true
		}
		if t, ok := parseDateOrTimestamp(strings.TrimSpace(in.LastUpdated), loc); ok {
			o.lastUpdated = t.UnixMilli()
		}
	}
}
