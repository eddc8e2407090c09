package datavalue

import (
	"strings"
)

// Conflict is one entry of an ImportSummary's conflicts. DHIS2 groups
// conflicts with the same error code and objects, listing every affected
// value position in Indexes (2.37+ ImportConflict). Versions before 2.37
// only show Object and Value; the HTTP layer drops the other fields.
type Conflict struct {
	Object    string            `json:"object,omitempty"`
	Objects   map[string]string `json:"objects,omitempty"`
	Value     string            `json:"value"`
	ErrorCode string            `json:"errorCode,omitempty"`
	Property  string            `json:"property,omitempty"`
	Indexes   []int             `json:"indexes,omitempty"`
}

// A conflict kind of DataValueImportConflict / DataValueSetImportConflict:
// the error code, its message template (ErrorCode.java, 2.41) and the
// object types of its arguments (their schema singular names, which key
// the objects map; "" marks a translated error key, stored under the
// property).
type conflictKind struct {
	code     string
	template string
	property string
	objects  []string
}

var (
	e7600 = conflictKind{"E7600", "Data set not found or not accessible: `{0}`", "dataSet", []string{"dataSet"}}
	e7603 = conflictKind{"E7603", "Org unit not found or not accessible: `{0}`", "orgUnit", []string{"organisationUnit", "dataSet"}}
	e7604 = conflictKind{"E7604", "Attribute option combo not found or not accessible: `{0}`", "attributeOptionCombo", []string{"categoryOptionCombo", "dataSet"}}
	e7610 = conflictKind{"E7610", "Data element not found or not accessible: `{0}`", "dataElement", []string{"dataElement"}}
	e7611 = conflictKind{"E7611", "Period not valid: `{0}`", "period", []string{"period"}}
	e7612 = conflictKind{"E7612", "Organisation unit not found or not accessible: `{0}`", "orgUnit", []string{"organisationUnit"}}
	e7613 = conflictKind{"E7613", "Category option combo not found or not accessible for writing data: `{0}`", "categoryOptionCombo", []string{"categoryOptionCombo"}}
	e7615 = conflictKind{"E7615", "Attribute option combo not found or not accessible for writing data: `{0}`", "attributeOptionCombo", []string{"categoryOptionCombo"}}
	e7618 = conflictKind{"E7618", "Data value or comment not specified for data element: `{0}`", "value", []string{"dataElement"}}
	e7619 = conflictKind{"E7619", "Value must match value type of data element `{0}`: `{1}`", "value", []string{"dataElement", ""}}
	e7620 = conflictKind{"E7620", "Invalid comment: {0}", "comment", []string{""}}
	e7621 = conflictKind{"E7621", "Data value is not a valid option of the data element option set: `{0}`", "value", []string{"dataElement"}}
	e7630 = conflictKind{"E7630", "Category option combo is required but is not specified", "categoryOptionCombo", nil}
	e7631 = conflictKind{"E7631", "Attribute option combo is required but is not specified", "attributeOptionCombo", nil}
	e7632 = conflictKind{"E7632", "Period type of period: `{0}` not valid for data element: `{1}`", "", []string{"period", "dataElement"}}
	e7633 = conflictKind{"E7633", "Data element: `{0}` is not part of dataset(s): `{1}`", "dataElement", []string{"dataElement", "dataSet"}}
	e7634 = conflictKind{"E7634", "Category option combo: `{0}` must be part of category combo of data element: `{1}`", "categoryOptionCombo", []string{"categoryOptionCombo", "dataElement"}}
	e7635 = conflictKind{"E7635", "Attribute option combo: `{0}` must be part of category combo of data sets of data element: `{1}`", "attributeOptionCombo", []string{"categoryOptionCombo", "dataElement"}}
	e7636 = conflictKind{"E7636", "Data element: `{1}` must be assigned through data sets to organisation unit: `{0}`", "orgUnit", []string{"organisationUnit", "dataElement"}}
	e7637 = conflictKind{"E7637", "Invalid storedBy: {0}", "storedBy", []string{""}}
	e7641 = conflictKind{"E7641", "Period: `{0}` is after latest open future period: `{3}` for data element: `{1}` and data set: `{2}`", "period", []string{"period", "dataElement", "dataSet", "-"}}
	e7645 = conflictKind{"E7645", "No data value for file resource exist for the given combination for data element: `{0}`", "dataElement", []string{"dataElement"}}
)

// conflicts accumulates grouped conflicts in first-seen order.
type conflicts struct {
	list  []Conflict
	group map[string]int
	total int
}

// add records a conflict of kind k for the value at index (-1 for the
// data set level) with the given arguments, as ImportConflict.createConflict
// does: translated error keys become their text in the message and are
// kept as keys in objects.
func (cs *conflicts) add(index int, k conflictKind, args ...string) {
	objects := map[string]string{}
	var order []string
	msgArgs := make([]string, len(args))
	for i, a := range args {
		msgArgs[i] = a
		if i >= len(k.objects) {
			continue
		}
		switch t := k.objects[i]; t {
		case "":
			if k.property != "" {
				if _, ok := objects[k.property]; !ok {
					objects[k.property] = a
					order = append(order, a)
				}
			}
			msgArgs[i] = errorText(a)
		case "-":
		default:
			if _, ok := objects[t]; !ok {
				order = append(order, a)
			}
			objects[t] = a
		}
	}
	groupKey := k.code + ":" + strings.Join(order, ":")
	cs.total++
	if cs.group == nil {
		cs.group = map[string]int{}
	}
	if i, ok := cs.group[groupKey]; ok {
		if index >= 0 {
			cs.list[i].Indexes = append(cs.list[i].Indexes, index)
		}
		return
	}
	c := Conflict{Value: format(k.template, msgArgs), ErrorCode: k.code, Property: k.property}
	if len(order) > 0 {
		c.Object = order[0]
		c.Objects = objects
	}
	if index >= 0 {
		c.Indexes = []int{index}
	}
	cs.group[groupKey] = len(cs.list)
	cs.list = append(cs.list, c)
}

// addLegacy records an informal conflict {object, value} (used by the
// complete data set registration import, which has no error codes).
func (cs *conflicts) addLegacy(object, value string) {
	groupKey := object + ":" + value
	cs.total++
	if cs.group == nil {
		cs.group = map[string]int{}
	}
	if _, ok := cs.group[groupKey]; ok {
		return
	}
	cs.group[groupKey] = len(cs.list)
	cs.list = append(cs.list, Conflict{Object: object, Value: value})
}

// format substitutes {n} placeholders like java.text.MessageFormat.
func format(tmpl string, args []string) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c == '{' && i+2 < len(tmpl) && tmpl[i+2] == '}' && tmpl[i+1] >= '0' && tmpl[i+1] <= '9' {
			n := int(tmpl[i+1] - '0')
			if n < len(args) {
				b.WriteString(args[n])
			} else {
				b.WriteString(tmpl[i : i+3])
			}
			i += 2
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
