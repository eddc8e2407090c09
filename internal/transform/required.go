package transform

import (
	"fmt"
	"strconv"
)

// Properties a DHIS2 version made required. Each upgrade migration fills
// them on the rows the database already has; the Fill step of these
// transforms does the same for the objects of an older source written to
// such a version (they would otherwise fail with E4000 or E5003). The
// migrations, in dhis2-core's dhis-support-db-migration:
//
//   - V2_32_14: relationshipType.fromToName = name.
//   - V2_36_27, V2_38_2, V2_39_6, V2_40_16, V2_42_40: unique short names
//     copied from the name (UniqueValueUtils.copyUniqueValue: cut to 50
//     characters, a number appended when taken; a duplicate short name is
//     replaced the same way).
//   - V2_38_16: predictor.organisationUnitDescendants = DESCENDANTS for the
//     predictors that existed (they always included descendants).
//   - V2_42_37: programIndicator.categoryCombo and attributeCombo = the
//     default category combination.
//   - V2_42_22: dataApprovalWorkflow.categoryCombo = the combination of one
//     of its data sets, else the default.
//
// The values are filled only where missing, and only within the payload:
// in an incremental run, a short name taken by an object the payload does
// not carry is not seen.

// defaultCategoryCombo is the uid of the default category combination
// every DHIS2 database has (DefaultCategoryService).
const defaultCategoryCombo = "bjDvmb4bfuf"

// shortNameLength is the length DHIS2's migrations cut short names to.
const shortNameLength = 50

func relationshipTypeFromToName() Transform {
	return Transform{
		Name: "relationship-type-from-to-name",
		Gate: 32,
		Doc:  "2.32 requires relationshipType.fromToName: set from the name where missing (V2_32_14).",
		Fill: func(c *Context, p Payload) error {
			eachObject(p, "relationshipTypes", func(o map[string]any) {
				if isEmpty(o["fromToName"]) && str(o, "name") != "" {
					o["fromToName"] = str(o, "name")
					c.Warn("relationshipTypes", o, "fromToName", "set from the name, as DHIS2 2.32's upgrade does (required from 2.32)")
				}
			})
			return nil
		},
		Lossy: []Loss{{Type: "relationshipTypes", Property: "fromToName",
			Reason: "required from 2.32 and absent before: set from the name, as DHIS2's upgrade migration does"}},
	}
}

// shortNames builds the transform that gives unique short names to the
// objects of types from version 2.gate on.
func shortNames(gate int, migration string, types ...string) Transform {
	reason := fmt.Sprintf("short name required from 2.%d: set from the name where missing or taken, as DHIS2's upgrade migration %s does", gate, migration)
	t := Transform{
		Name: fmt.Sprintf("short-names-2.%d", gate),
		Gate: gate,
		Doc:  fmt.Sprintf("2.%d requires unique short names on %v: missing or duplicate ones are set from the name, cut to 50 characters and numbered when taken (%s).", gate, types, migration),
		Fill: func(c *Context, p Payload) error {
			for _, typ := range types {
				c.fillShortNames(p, typ, gate)
			}
			return nil
		},
	}
	for _, typ := range types {
		t.Lossy = append(t.Lossy, Loss{Type: typ, Property: "shortName", Reason: reason})
	}
	return t
}

// fillShortNames mirrors UniqueValueUtils.copyUniqueValue over the objects
// of one type: the first holder of a short name keeps it; the others, and
// objects without one, get their name, cut and numbered to be unique.
func (c *Context) fillShortNames(p Payload, typ string, gate int) {
	objs := p[typ]
	taken := map[string]bool{}
	keep := make([]bool, len(objs))
	for i, o := range objs {
		if s, _ := o["shortName"].(string); s != "" && !taken[s] {
			taken[s], keep[i] = true, true
		}
	}
	for i, o := range objs {
		name := str(o, "name")
		if keep[i] || name == "" {
			continue
		}
		msg := fmt.Sprintf("missing: set from the name, as DHIS2 2.%d's upgrade does", gate)
		if s, _ := o["shortName"].(string); s != "" {
			msg = fmt.Sprintf("used by another object: set from the name, as DHIS2 2.%d's upgrade does", gate)
		}
		o["shortName"] = uniqueValue(name, shortNameLength, taken)
		c.Warn(typ, o, "shortName", "%s", msg)
	}
}

// uniqueValue is UniqueValueUtils.addValue: value cut to maxLength
// characters, with the first free number appended (the value cut shorter
// to make room) when it is taken. The result is added to taken.
func uniqueValue(value string, maxLength int, taken map[string]bool) string {
	r := []rune(value)
	if len(r) > maxLength {
		r = r[:maxLength]
	}
	unique := string(r)
	if !taken[unique] {
		taken[unique] = true
		return unique
	}
	for i := 1; i <= len(taken)+1; i++ {
		nr := strconv.Itoa(i)
		attempt := unique + nr
		if len(r)+len(nr) > maxLength {
			attempt = string(r[:maxLength-len(nr)]) + nr
		}
		if !taken[attempt] {
			taken[attempt] = true
			return attempt
		}
	}
	return unique
}

func predictorOrgUnitDescendants() Transform {
	return Transform{
		Name: "predictor-org-unit-descendants",
		Gate: 38,
		Doc: "2.38 requires predictor.organisationUnitDescendants; predictors of older versions always included " +
			"descendants, so DESCENDANTS is set where missing (V2_38_16).",
		Fill: func(c *Context, p Payload) error {
			eachObject(p, "predictors", func(o map[string]any) {
				if isEmpty(o["organisationUnitDescendants"]) {
					o["organisationUnitDescendants"] = "DESCENDANTS"
					c.Warn("predictors", o, "organisationUnitDescendants", "set to DESCENDANTS, what predictors did before 2.38 (required from 2.38)")
				}
			})
			return nil
		},
		Lossy: []Loss{{Type: "predictors", Property: "organisationUnitDescendants",
			Reason: "required from 2.38 and absent before: DESCENDANTS, what older predictors did, as DHIS2's upgrade migration sets"}},
	}
}

func programIndicatorCombos() Transform {
	return Transform{
		Name: "program-indicator-combos",
		Gate: 42,
		Doc:  "2.42 requires programIndicator.categoryCombo and attributeCombo: the default combination where missing (V2_42_37).",
		Fill: func(c *Context, p Payload) error {
			eachObject(p, "programIndicators", func(o map[string]any) {
				for _, k := range []string{"categoryCombo", "attributeCombo"} {
					if refID(o[k]) == "" {
						o[k] = ref(defaultCategoryCombo)
						c.Warn("programIndicators", o, k, "set to the default category combination, as DHIS2 2.42's upgrade does (required from 2.42)")
					}
				}
			})
			return nil
		},
		Lossy: []Loss{
			{Type: "programIndicators", Property: "categoryCombo", Reason: "required from 2.42 and absent before: the default combination, as DHIS2's upgrade migration sets"},
			{Type: "programIndicators", Property: "attributeCombo", Reason: "required from 2.42 and absent before: the default combination, as DHIS2's upgrade migration sets"},
		},
	}
}

func approvalWorkflowCombo() Transform {
	return Transform{
		Name: "approval-workflow-combo",
		Gate: 42,
		Doc: "2.42 requires dataApprovalWorkflow.categoryCombo: where missing, the combination of a data set of the workflow " +
			"in the payload, else the default (V2_42_22; the migration's replacement of an explicit default is not applied).",
		Fill: func(c *Context, p Payload) error {
			byWorkflow := map[string]string{}
			eachObject(p, "dataSets", func(ds map[string]any) {
				wf, cc := refID(ds["workflow"]), refID(ds["categoryCombo"])
				if wf != "" && cc != "" && byWorkflow[wf] == "" {
					byWorkflow[wf] = cc
				}
			})
			eachObject(p, "dataApprovalWorkflows", func(o map[string]any) {
				if refID(o["categoryCombo"]) != "" {
					return
				}
				cc := byWorkflow[objID(o)]
				if cc == "" {
					cc = defaultCategoryCombo
				}
				o["categoryCombo"] = ref(cc)
				c.Warn("dataApprovalWorkflows", o, "categoryCombo", "set from its data sets (or the default), as DHIS2 2.42's upgrade does (required from 2.42)")
			})
			return nil
		},
		Lossy: []Loss{{Type: "dataApprovalWorkflows", Property: "categoryCombo",
			Reason: "required from 2.42 and possibly absent before: its data sets' combination or the default, as DHIS2's upgrade migration sets"}},
	}
}
