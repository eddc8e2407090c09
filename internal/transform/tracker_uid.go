package transform

// trackerUIDKeys maps a tracker kind (and its plural) to the properties
// holding the object's uid, new API name first.
var trackerUIDKeys = map[string][]string{
	"trackedEntity":   {"trackedEntity", "trackedEntityInstance"},
	"trackedEntities": {"trackedEntity", "trackedEntityInstance"},
	"enrollment":      {"enrollment"},
	"enrollments":     {"enrollment"},
	"event":           {"event"},
	"events":          {"event"},
	"relationship":    {"relationship"},
	"relationships":   {"relationship"},
	"note":            {"note"},
	"notes":           {"note"},
}

// trackerUID returns the identifier of a tracker object of the given kind
// (tracker objects have no "id").
func trackerUID(kind string, obj map[string]any) string {
	for _, k := range trackerUIDKeys[kind] {
		if s, ok := obj[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
