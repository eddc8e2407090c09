package transform

import (
	"bytes"
	"encoding/json"
)

// Organisation unit geometry: ≤2.31 use featureType (NONE, POINT, POLYGON,
// MULTI_POLYGON, SYMBOL) plus a coordinates STRING holding the GeoJSON
// coordinates array; 2.32+ use a GeoJSON geometry{type,coordinates}.
// DHIS2-API.md §8.6.

func orgUnitGeometry() Transform {
	return Transform{
		Name:   "orgunit-geometry",
		Gate:   32,
		Always: true,
		Doc:    "Organisation unit featureType + coordinates string (≤2.31) ↔ GeoJSON geometry (2.32+).",
		Up:     func(c *Context, p Payload) error { eachObject(p, "organisationUnits", c.liftGeometry); return nil },
		Down:   func(c *Context, p Payload) error { eachObject(p, "organisationUnits", c.lowerGeometry); return nil },
		Lossy: []Loss{
			{Type: "organisationUnits", Property: "geometry", Reason: "before 2.32 only Point, Polygon and MultiPolygon geometries exist"},
			{Type: "organisationUnits", Property: "featureType", Reason: "SYMBOL org units become GeoJSON points"},
		},
	}
}

var geoTypeByFeature = map[string]string{"POINT": "Point", "SYMBOL": "Point", "POLYGON": "Polygon", "MULTI_POLYGON": "MultiPolygon"}

var featureByGeoType = map[string]string{"Point": "POINT", "Polygon": "POLYGON", "MultiPolygon": "MULTI_POLYGON"}

// geoTypeByDepth maps the nesting depth of a coordinates array to its
// GeoJSON type ([x,y] = 1, [[[x,y]]] = 3, [[[[x,y]]]] = 4).
var geoTypeByDepth = map[int]string{1: "Point", 3: "Polygon", 4: "MultiPolygon"}

func (c *Context) liftGeometry(ou map[string]any) {
	ft := str(ou, "featureType")
	raw, hasCoords := ou["coordinates"]
	delete(ou, "featureType")
	delete(ou, "coordinates")
	if _, ok := ou["geometry"]; ok || !hasCoords || ft == "NONE" {
		return
	}
	text, _ := asString(raw)
	if text == "" {
		return
	}
	coords, err := parseCoordinates(text)
	if err != nil {
		c.Warn("organisationUnits", ou, "coordinates", "unparsable coordinates dropped: %v", err)
		return
	}
	typ := geoTypeByDepth[depth(coords)]
	if typ == "" {
		c.Warn("organisationUnits", ou, "coordinates", "coordinates of unsupported shape dropped (featureType %s)", ft)
		return
	}
	if want := geoTypeByFeature[ft]; want != "" && want != typ {
		c.Warn("organisationUnits", ou, "featureType", "featureType %s disagrees with the coordinates; using %s", ft, typ)
	} else if ft == "SYMBOL" {
		c.Warn("organisationUnits", ou, "featureType", "featureType SYMBOL becomes a GeoJSON Point")
	}
	ou["geometry"] = map[string]any{"type": typ, "coordinates": coords}
}

func (c *Context) lowerGeometry(ou map[string]any) {
	raw, ok := ou["geometry"]
	if !ok {
		return
	}
	delete(ou, "geometry")
	g := asMap(raw)
	if g == nil {
		return
	}
	ft := featureByGeoType[str(g, "type")]
	if ft == "" {
		c.Warn("organisationUnits", ou, "geometry", "GeoJSON %q cannot be represented before 2.32; geometry dropped", str(g, "type"))
		ou["featureType"] = "NONE"
		return
	}
	text, err := json.Marshal(g["coordinates"])
	if err != nil {
		c.Warn("organisationUnits", ou, "geometry", "coordinates cannot be encoded: %v", err)
		return
	}
	ou["featureType"] = ft
	ou["coordinates"] = string(text)
}

// parseCoordinates decodes a coordinates string keeping numbers exact.
func parseCoordinates(s string) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v []any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// depth returns the array nesting depth of v along its first elements.
func depth(v any) int {
	s := asSlice(v)
	if len(s) == 0 {
		return 0
	}
	return 1 + depth(s[0])
}
