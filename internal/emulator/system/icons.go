package system

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Icon is a default (read-only) or custom icon. Custom icons (2.41+)
// point at an ICON-domain file resource.
type Icon struct {
	Key          string    `json:"key"`
	Description  string    `json:"description,omitempty"`
	Keywords     []string  `json:"keywords"`
	Custom       bool      `json:"custom"`
	FileResource string    `json:"fileResource,omitempty"`
	Created      time.Time `json:"created"`
	LastUpdated  time.Time `json:"lastUpdated"`
	CreatedBy    UserRef   `json:"createdBy"`
}

// defaultIcons are a handful of DHIS2's built-in icons (DefaultIcon); each
// exists in the variants positive, negative and outline.
var defaultIcons = []struct {
	prefix, description string
	keywords            []string
}{
	{"ambulance", "", []string{"ambulance", "transport"}},
	{"ancv", "ANC visit", nil},
	{"blood_pressure", "", []string{"Blood Pressure"}},
	{"virus", "Coronavirus", []string{"covid", "19", "corona", "virus"}},
	{"wash_hands", "Wash hands", []string{"cleaning", "hands", "wash", "water", "soap"}},
	{"woman", "", []string{"woman", "female", "girl"}},
}

var iconVariants = []string{"positive", "negative", "outline"}

// Icons is /api/icons.
type Icons struct {
	sys *System

	mu    sync.RWMutex
	byKey map[string]*Icon
	svg   map[string][]byte // default icon images
}

func newIcons(s *System) *Icons {
	ic := &Icons{sys: s, byKey: map[string]*Icon{}, svg: map[string][]byte{}}
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range defaultIcons {
		for _, v := range iconVariants {
			key := d.prefix + "_" + v
			icon := &Icon{Key: key, Description: d.description, Keywords: slices.Clone(d.keywords), Created: created, LastUpdated: created,
				CreatedBy: UserRef{ID: s.opts.AdminUserID}}
			if icon.Keywords == nil {
				icon.Keywords = []string{}
			}
			ic.svg[key] = defaultSVG(key, v)
			if s.prof.CustomIcons {
				icon.FileResource = stableUID("icon:" + key)
				s.Files.Seed(FileResource{ID: icon.FileResource, Name: key + ".svg", ContentType: "image/svg+xml", Domain: DomainIcon,
					Created: created, Assigned: true, Content: ic.svg[key], CreatedBy: UserRef{ID: s.opts.AdminUserID}})
			}
			ic.byKey[key] = icon
		}
	}
	return ic
}

// defaultSVG draws a small placeholder image for a default icon.
func defaultSVG(key, variant string) []byte {
	fill, stroke := "#1e4a7a", "none"
	switch variant {
	case "negative":
		fill = "#ffffff"
	case "outline":
		fill, stroke = "none", "#1e4a7a"
	}
	return []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48"><title>%s</title>`+
		`<circle cx="24" cy="24" r="20" fill="%s" stroke="%s" stroke-width="3"/></svg>`, key, fill, stroke))
}

// stableUID derives a UID from a seed string.
func stableUID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	out := make([]byte, 11)
	out[0] = uidAlphabet[int(sum[0])%52]
	for i := 1; i < 11; i++ {
		out[i] = uidAlphabet[int(sum[i])%62]
	}
	return string(out)
}

// IconQuery filters GET /api/icons: type DEFAULT, CUSTOM or ALL (2.41+),
// keywords (an icon must have all of them), keys and a search text.
type IconQuery struct {
	Type     string
	Keywords []string
	Keys     []string
	Search   string
}

// List returns the icons matching q, sorted by key.
func (ic *Icons) List(q IconQuery) ([]*Icon, error) {
	t := strings.ToUpper(q.Type)
	if t != "" && t != "ALL" && t != "DEFAULT" && t != "CUSTOM" {
		return nil, badRequest("Value '%s' is not valid for parameter type. Valid values are: [ALL, DEFAULT, CUSTOM]", q.Type)
	}
	ic.mu.RLock()
	defer ic.mu.RUnlock()
	var out []*Icon
	for _, k := range sortedKeys(ic.byKey) {
		icon := ic.byKey[k]
		switch {
		case t == "DEFAULT" && icon.Custom, t == "CUSTOM" && !icon.Custom:
			continue
		case len(q.Keys) > 0 && !slices.Contains(q.Keys, icon.Key):
			continue
		case q.Search != "" && !strings.Contains(strings.ToLower(icon.Key+" "+icon.Description+" "+strings.Join(icon.Keywords, " ")), strings.ToLower(q.Search)):
			continue
		}
		if !containsAll(icon.Keywords, q.Keywords) {
			continue
		}
		c := *icon
		c.Keywords = slices.Clone(icon.Keywords)
		out = append(out, &c)
	}
	return out, nil
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// Keywords is GET /api/icons/keywords: every keyword, sorted.
func (ic *Icons) Keywords() []string {
	ic.mu.RLock()
	defer ic.mu.RUnlock()
	set := map[string]bool{}
	for _, icon := range ic.byKey {
		for _, k := range icon.Keywords {
			set[k] = true
		}
	}
	return sortedKeys(set)
}

// Get returns one icon; 404 in the version's wording when missing.
func (ic *Icons) Get(key string) (*Icon, error) {
	ic.mu.RLock()
	defer ic.mu.RUnlock()
	icon, ok := ic.byKey[key]
	if !ok {
		if ic.sys.prof.CustomIcons {
			return nil, newError(KindNotFound, "E1005", "Icon with id %s could not be found.", key)
		}
		return nil, newError(KindNotFound, "", "Icon not found: '%s", key)
	}
	c := *icon
	c.Keywords = slices.Clone(icon.Keywords)
	return &c, nil
}

// Image returns the icon's image and content type: the built-in SVG of a
// default icon or the content of a custom icon's file resource.
func (ic *Icons) Image(key string) ([]byte, string, error) {
	icon, err := ic.Get(key)
	if err != nil {
		if !ic.sys.prof.CustomIcons {
			return nil, "", newError(KindNotFound, "", "Icon resource not found: '%s", key)
		}
		return nil, "", err
	}
	if icon.FileResource == "" || !icon.Custom && !ic.sys.prof.CustomIcons {
		ic.mu.RLock()
		defer ic.mu.RUnlock()
		return ic.svg[key], "image/svg+xml", nil
	}
	fr, content, err := ic.sys.Files.Content(icon.FileResource)
	if err != nil {
		return nil, "", err
	}
	return content, fr.ContentType, nil
}

var iconKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9_+-]+$`)

// AddIcon is the body of POST /api/icons (2.41+). DHIS2 reads
// fileResourceId; fileResourceUid is accepted as an alias.
type AddIcon struct {
	Key             string   `json:"key"`
	Description     string   `json:"description"`
	Keywords        []string `json:"keywords"`
	FileResourceID  string   `json:"fileResourceId"`
	FileResourceUID string   `json:"fileResourceUid"`
}

// Add creates a custom icon from an uploaded (STORED) file resource,
// which becomes assigned.
func (ic *Icons) Add(c Caller, in AddIcon) (*Icon, error) {
	key := strings.TrimSpace(in.Key)
	if key == "" {
		return nil, badRequest("Icon key not specified.")
	}
	if !iconKeyPattern.MatchString(key) {
		return nil, badRequest("Icon key %s is not valid. Alphanumeric and special characters '-' and '_' are allowed", in.Key)
	}
	frID := in.FileResourceID
	if frID == "" {
		frID = in.FileResourceUID
	}
	ic.mu.Lock()
	defer ic.mu.Unlock()
	if _, ok := ic.byKey[key]; ok {
		return nil, badRequest("Icon with key %s already exists.", key)
	}
	fr, err := ic.sys.Files.Get(frID)
	if err != nil || ic.sys.Files.Status(fr) == StatusPending {
		return nil, newError(KindNotFound, "E1005", "FileResource with id %s could not be found.", frID)
	}
	ic.sys.Files.SetAssigned(frID, true)
	now := ic.sys.now()
	kw := slices.Clone(in.Keywords)
	if kw == nil {
		kw = []string{}
	}
	icon := &Icon{Key: key, Description: in.Description, Keywords: kw, Custom: true, FileResource: frID, Created: now, LastUpdated: now, CreatedBy: c.ref()}
	ic.byKey[key] = icon
	out := *icon
	return &out, nil
}

// Update is PUT /api/icons/{key}: description and keywords of a custom
// icon.
func (ic *Icons) Update(key, description string, keywords []string) error {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	icon, err := ic.modifiable(key, "Not allowed to update default icon")
	if err != nil {
		return err
	}
	icon.Description = description
	icon.Keywords = slices.Clone(keywords)
	if icon.Keywords == nil {
		icon.Keywords = []string{}
	}
	icon.LastUpdated = ic.sys.now()
	return nil
}

// Delete is DELETE /api/icons/{key}; the file resource becomes
// unassigned.
func (ic *Icons) Delete(key string) error {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	icon, err := ic.modifiable(key, "Not allowed to delete default icon")
	if err != nil {
		return err
	}
	ic.sys.Files.SetAssigned(icon.FileResource, false)
	delete(ic.byKey, key)
	return nil
}

func (ic *Icons) modifiable(key, msg string) (*Icon, error) {
	icon, ok := ic.byKey[key]
	if !ok {
		return nil, newError(KindNotFound, "E1005", "Icon with id %s could not be found.", key)
	}
	if !icon.Custom {
		return nil, badRequest("%s", msg)
	}
	return icon, nil
}

// Render returns the JSON of an icon for a server whose API is at apiURL
// (scheme://host/api): the 2.41+ Icon or the older IconData.
func (ic *Icons) Render(icon *Icon, apiURL string) map[string]any {
	kw := make([]any, len(icon.Keywords))
	for i, k := range icon.Keywords {
		kw[i] = k
	}
	if !ic.sys.prof.CustomIcons {
		m := map[string]any{"key": icon.Key, "keywords": kw, "href": apiURL + "/icons/" + icon.Key + "/icon.svg"}
		if icon.Description != "" {
			m["description"] = icon.Description
		}
		return m
	}
	m := map[string]any{"key": icon.Key, "keywords": kw, "custom": icon.Custom, "created": ic.sys.FormatTime(icon.Created),
		"lastUpdated": ic.sys.FormatTime(icon.LastUpdated), "href": apiURL + "/icons/" + icon.Key + "/icon",
		"createdBy": icon.CreatedBy.render()}
	if icon.Description != "" {
		m["description"] = icon.Description
	}
	if icon.FileResource != "" {
		m["fileResource"] = map[string]any{"id": icon.FileResource}
	}
	return m
}

func (ic *Icons) customIcons() []*Icon {
	ic.mu.RLock()
	defer ic.mu.RUnlock()
	var out []*Icon
	for _, k := range sortedKeys(ic.byKey) {
		if icon := ic.byKey[k]; icon.Custom {
			c := *icon
			out = append(out, &c)
		}
	}
	return out
}

// Seed stores a custom icon as given (2.41+), marking its file resource
// assigned.
func (ic *Icons) Seed(icon Icon) {
	icon.Custom = true
	if icon.Keywords == nil {
		icon.Keywords = []string{}
	}
	if icon.LastUpdated.IsZero() {
		icon.LastUpdated = icon.Created
	}
	ic.sys.Files.SetAssigned(icon.FileResource, true)
	ic.mu.Lock()
	defer ic.mu.Unlock()
	ic.byKey[icon.Key] = &icon
}

func (ic *Icons) restore(icons []*Icon) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	for k, icon := range ic.byKey {
		if icon.Custom {
			delete(ic.byKey, k)
		}
	}
	for _, icon := range icons {
		c := *icon
		ic.byKey[c.Key] = &c
	}
}
