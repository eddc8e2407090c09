package seed

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

type obj = map[string]any

func ref(id string) obj { return obj{"id": id} }

func refList(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = ref(id)
	}
	return out
}

// metaEpoch is the creation time of the first metadata object; later
// objects are a few minutes apart.
var metaEpoch = time.Date(2023, time.September, 4, 8, 30, 0, 0, time.UTC)

// builder accumulates the metadata of one instance and the runtime model
// the data generators need.
type builder struct {
	cfg config
	md  map[string][]obj
	w   *world
	n   int
}

// uid returns the UID of the object of a kind with a stable key.
func (b *builder) uid(kind, key string) string { return uidKey(b.cfg.name + "|" + kind + "|" + key) }

// add stamps created/lastUpdated on o and appends it to the plural type.
func (b *builder) add(typ string, o obj) obj {
	t := metaEpoch.Add(time.Duration(b.n) * 3 * time.Minute).Format(timeLayout)
	b.n++
	o["created"] = t
	o["lastUpdated"] = t
	b.md[typ] = append(b.md[typ], o)
	return o
}

// sharing returns a 2.42 sharing object owned by admin. groups alternates
// user group keys and access strings.
func (b *builder) sharing(public string, groups ...string) obj {
	ug := obj{}
	for i := 0; i+1 < len(groups); i += 2 {
		id := b.uid("userGroup", groups[i])
		ug[id] = obj{"id": id, "access": groups[i+1]}
	}
	return obj{"owner": AdminUser, "public": public, "users": obj{}, "userGroups": ug}
}

// tr builds translations from triples (property, French, English).
func tr(triples ...string) []any {
	out := make([]any, 0, len(triples)/3*2)
	for i := 0; i+2 < len(triples); i += 3 {
		if triples[i+1] == "" || triples[i+2] == "" {
			continue
		}
		out = append(out,
			obj{"property": triples[i], "locale": "fr", "value": triples[i+1]},
			obj{"property": triples[i], "locale": "en", "value": triples[i+2]})
	}
	return out
}

// attrValue returns the attributeValues list holding the national code.
func (b *builder) attrValue(value string) []any {
	return []any{obj{"attribute": ref(b.uid("attribute", "code_national")), "value": value}}
}

func (b *builder) deUID(code string) string { return b.uid("dataElement", code) }
func (b *builder) cocUID(key string) string { return b.uid("categoryOptionCombo", key) }
func (b *builder) comboUID(key string) string {
	if key == "" {
		return DefaultCategoryCombo
	}
	return b.uid("categoryCombo", key)
}

var (
	exprOperand  = regexp.MustCompile(`#\{([A-Z0-9_]+)(?:\.([a-z0-9_]+:[a-z0-9_+]+))?\}`)
	exprConstant = regexp.MustCompile(`C\{([A-Z_]+)\}`)
)

// expr resolves catalog codes in an expression to UIDs.
func (b *builder) expr(s string) string {
	s = exprOperand.ReplaceAllStringFunc(s, func(m string) string {
		p := exprOperand.FindStringSubmatch(m)
		if p[2] == "" {
			return "#{" + b.deUID(p[1]) + "}"
		}
		return "#{" + b.deUID(p[1]) + "." + b.cocUID(p[2]) + "}"
	})
	return exprConstant.ReplaceAllStringFunc(s, func(m string) string {
		return "C{" + b.uid("constant", exprConstant.FindStringSubmatch(m)[1]) + "}"
	})
}

// build generates the metadata and the runtime model of a non-empty seed.
func build(cfg config) (*world, map[string][]map[string]any, error) {
	b := &builder{cfg: cfg, md: map[string][]obj{}, w: newWorld(cfg)}
	steps := []func(){
		b.buildAttributes, b.buildOrgUnits, b.buildCategories, b.buildOptionSets, b.buildLegendSets,
		b.buildDataElements, b.buildIndicators, b.buildDataSets, b.buildValidation, b.buildPredictors,
		b.buildTrackerMetadata, b.buildUsers, b.buildAnalytics,
	}
	for _, step := range steps {
		step()
	}
	md, err := normalize(b.md)
	if err != nil {
		return nil, nil, err
	}
	b.w.finish()
	return b.w, md, nil
}

// normalize round-trips the metadata through JSON so that callers see
// exactly the types encoding/json produces.
func normalize(md map[string][]obj) (map[string][]map[string]any, error) {
	raw, err := json.Marshal(md)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	out := map[string][]map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("decode metadata: %w", err)
	}
	return out, nil
}
