package transform

// Program and program stage property renames inside 2.30–2.42 (checked in
// the 2.30 sources: Program has captureCoordinates, ProgramStage already has
// featureType but still validCompleteOnly; 2.31 introduced
// Program.featureType and ProgramStage.validationStrategy, see the 2.31
// migration V2_31_4__Add_defaults_for_validationstrategy).

func programCaptureCoordinates() Transform {
	return Transform{
		Name:   "program-capture-coordinates",
		Gate:   31,
		Always: true,
		Doc:    "Program captureCoordinates boolean (2.30) ↔ featureType (NONE, POINT, POLYGON, …; 2.31+).",
		Up:     func(c *Context, p Payload) error { eachObject(p, "programs", c.liftCaptureCoordinates); return nil },
		Down:   func(c *Context, p Payload) error { eachObject(p, "programs", c.lowerCaptureCoordinates); return nil },
		Lossy: []Loss{{Type: "programs", Property: "featureType",
			Reason: "2.30 programs can only capture a point (captureCoordinates)"}},
	}
}

func (c *Context) liftCaptureCoordinates(prog map[string]any) {
	raw, ok := prog["captureCoordinates"]
	if !ok {
		return
	}
	delete(prog, "captureCoordinates")
	if _, has := prog["featureType"]; has {
		return
	}
	if b, _ := raw.(bool); b {
		prog["featureType"] = "POINT"
	} else {
		prog["featureType"] = "NONE"
	}
}

func (c *Context) lowerCaptureCoordinates(prog map[string]any) {
	raw, ok := prog["featureType"]
	if !ok {
		return
	}
	delete(prog, "featureType")
	ft, _ := raw.(string)
	switch ft {
	case "", "NONE":
		prog["captureCoordinates"] = false
	case "POINT":
		prog["captureCoordinates"] = true
	default:
		prog["captureCoordinates"] = true
		c.Warn("programs", prog, "featureType", "featureType %s becomes captureCoordinates=true (point only on 2.30)", ft)
	}
}

func programStageValidationStrategy() Transform {
	return Transform{
		Name:   "program-stage-validation-strategy",
		Gate:   31,
		Always: true,
		Doc: "Program stage validCompleteOnly boolean (2.30) ↔ validationStrategy " +
			"(true = ON_COMPLETE, false = ON_UPDATE_AND_INSERT; 2.31+). Stages nested in programs are converted too.",
		Up:   func(c *Context, p Payload) error { eachStage(p, c.liftValidationStrategy); return nil },
		Down: func(c *Context, p Payload) error { eachStage(p, c.lowerValidationStrategy); return nil },
	}
}

// eachStage visits top-level program stages and full stage objects nested
// in programs (as /api/programs?fields=… pages return them).
func eachStage(p Payload, f func(map[string]any)) {
	eachObject(p, "programStages", f)
	eachObject(p, "programs", func(prog map[string]any) {
		for _, s := range asSlice(prog["programStages"]) {
			if m := asMap(s); m != nil && !isRef(m) {
				f(m)
			}
		}
	})
}

func (c *Context) liftValidationStrategy(stage map[string]any) {
	raw, ok := stage["validCompleteOnly"]
	if !ok {
		return
	}
	delete(stage, "validCompleteOnly")
	if _, has := stage["validationStrategy"]; has {
		return
	}
	if b, _ := raw.(bool); b {
		stage["validationStrategy"] = "ON_COMPLETE"
	} else {
		stage["validationStrategy"] = "ON_UPDATE_AND_INSERT"
	}
}

func (c *Context) lowerValidationStrategy(stage map[string]any) {
	raw, ok := stage["validationStrategy"]
	if !ok {
		return
	}
	delete(stage, "validationStrategy")
	switch s, _ := raw.(string); s {
	case "ON_COMPLETE":
		stage["validCompleteOnly"] = true
	case "ON_UPDATE_AND_INSERT", "":
		stage["validCompleteOnly"] = false
	default:
		stage["validCompleteOnly"] = false
		c.Warn("programStages", stage, "validationStrategy", "unknown validationStrategy %q sent as validCompleteOnly=false", s)
	}
}

// refKeys are the properties a reference object may carry besides its id
// (as DHIS2 exports references with fields like id,name,displayName).
var refKeys = map[string]bool{
	"id": true, "name": true, "code": true, "displayName": true, "displayShortName": true,
	"shortName": true, "href": true, "path": true,
}

// isRef reports whether m is only a reference to another object: it has an
// id and nothing but identification properties.
func isRef(m map[string]any) bool {
	if str(m, "id") == "" {
		return false
	}
	for k := range m {
		if !refKeys[k] {
			return false
		}
	}
	return true
}
