package system

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Settings is /api/systemSettings: the setting keys of the emulated
// version with their defaults, the values set through the API and the
// translations of translatable settings. Values are kept as the strings
// DHIS2 stores and typed when read.
type Settings struct {
	sys  *System
	defs map[string]*settingDef

	mu           sync.RWMutex
	values       map[string]string
	translations map[string]map[string]string // key → locale → text
}

func newSettings(s *System) *Settings {
	st := &Settings{sys: s, defs: map[string]*settingDef{}, values: map[string]string{}, translations: map[string]map[string]string{}}
	m := s.prof.Version.Minor
	for i := range settingDefs {
		d := settingDefs[i]
		if d.since <= m && (d.until == 0 || m <= d.until) {
			if m >= 42 {
				d.def = d.def42
			}
			st.defs[d.key] = &d
		}
	}
	return st
}

// Keys returns the setting keys the emulated version knows, sorted.
func (st *Settings) Keys() []string {
	return slices.Sorted(maps.Keys(st.defs))
}

// IsConfidential reports whether key is one of the settings DHIS2 never
// returns (keyEmailPassword, keyRemoteInstancePassword, recaptchaSecret,
// recaptchaSite).
func (st *Settings) IsConfidential(key string) bool {
	d, ok := st.defs[key]
	return ok && d.flags&confidential != 0
}

// All is GET /api/systemSettings: every non-confidential key that has a
// value (set or default). Keys without a default appear once set.
func (st *Settings) All() map[string]any {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := map[string]any{}
	for k, d := range st.defs {
		if d.flags&confidential != 0 {
			continue
		}
		if v, ok := st.typed(d); ok {
			out[k] = v
		}
	}
	return out
}

// Select is GET /api/systemSettings?key=a&key=b: the listed keys that have
// a value; unknown and confidential keys are left out. From 2.41 an empty
// selection is a 404. (2.42's code would return confidential values here;
// the emulator never does.)
func (st *Settings) Select(keys []string) (map[string]any, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := map[string]any{}
	known := 0
	for _, k := range keys {
		d, ok := st.defs[k]
		if !ok || d.flags&confidential != 0 {
			continue
		}
		known++
		if v, ok := st.typed(d); ok {
			out[k] = v
		} else if st.sys.prof.SettingsV2 {
			out[k] = ""
		}
	}
	if known == 0 && st.sys.prof.SettingMissing404 && !st.sys.prof.SettingsV2 {
		return nil, st.sys.notFound("Setting does not exist or is marked as confidential")
	}
	return out, nil
}

// Get is GET /api/systemSettings/{key}: the typed value, or the
// translation for locale when the setting is translatable and has one.
// Before 2.41 unknown and confidential keys give "" (HTTP 200); 2.41
// answers 404 unless a superuser asks for a confidential key; 2.42 answers
// 404 for unknown keys and 403 to non-superusers for confidential ones.
func (st *Settings) Get(key, locale string, superuser bool) (any, error) {
	p := st.sys.prof
	d, ok := st.defs[key]
	conf := ok && d.flags&confidential != 0
	switch {
	case p.SettingsV2 && !ok:
		return nil, st.sys.notFound("Setting does not exist: %s", key)
	case p.SettingsV2 && conf && !superuser:
		return nil, forbidden("Setting is marked as confidential")
	case p.SettingMissing404 && (!ok || conf && !superuser):
		return nil, st.sys.notFound("Setting does not exist or is marked as confidential")
	case !p.SettingMissing404 && (!ok || conf):
		return "", nil
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if t, ok := st.translations[key][locale]; ok && locale != "" && d.flags&translatable != 0 && t != "" {
		return t, nil
	}
	if v, ok := st.typed(d); ok {
		return v, nil
	}
	return "", nil
}

// Set is POST /api/systemSettings/{key}?value= (or a text body). With a
// locale it stores a translation. It returns DHIS2's confirmation message.
func (st *Settings) Set(key, value, locale string) (string, error) {
	d, err := st.known(key)
	if err != nil {
		return "", err
	}
	if locale != "" {
		return st.setTranslation(d, locale, value)
	}
	canon, err := st.convert(d, value)
	if err != nil {
		return "", err
	}
	st.mu.Lock()
	if canon == "" && st.sys.prof.SettingsV2 {
		delete(st.values, key)
	} else {
		st.values[key] = canon
	}
	st.mu.Unlock()
	return fmt.Sprintf("System setting '%s' set to value '%s'.", key, value), nil
}

func (st *Settings) setTranslation(d *settingDef, locale, value string) (string, error) {
	if d.flags&translatable == 0 {
		if st.sys.prof.SettingsV2 {
			return "", badRequest("Setting is not translatable: %s", d.key)
		}
		return "", st.sys.conflict("The system setting %s is not translatable", d.key)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.translations[d.key] == nil {
		st.translations[d.key] = map[string]string{}
	}
	if value == "" {
		delete(st.translations[d.key], locale)
	} else {
		st.translations[d.key][locale] = value
	}
	return fmt.Sprintf("Translation for system setting '%s' and locale: '%s' set to: '%s'", d.key, locale, value), nil
}

// SetMany is the bulk POST /api/systemSettings with a JSON object. Unknown
// keys reject the whole request (409 "Key(s) is not supported: …" before
// 2.42, 404 "Setting does not exist: …" from 2.42).
func (st *Settings) SetMany(in map[string]any) (string, error) {
	var unknown []string
	for k := range in {
		if _, ok := st.defs[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	if len(unknown) > 0 {
		if st.sys.prof.SettingsV2 {
			return "", st.sys.notFound("Setting does not exist: %s", strings.Join(unknown, ","))
		}
		return "", st.sys.conflict("Key(s) is not supported: %s", strings.Join(unknown, ", "))
	}
	canon := map[string]string{}
	for k, v := range in {
		c, err := st.convert(st.defs[k], scalarString(v))
		if err != nil {
			return "", err
		}
		canon[k] = c
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, c := range canon {
		if c == "" && st.sys.prof.SettingsV2 {
			delete(st.values, k)
			continue
		}
		st.values[k] = c
	}
	return "System settings imported", nil
}

// Delete is DELETE /api/systemSettings/{key} (HTTP 204); with a locale it
// clears that translation.
func (st *Settings) Delete(key, locale string) error {
	d, err := st.known(key)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if locale != "" {
		delete(st.translations[d.key], locale)
		return nil
	}
	delete(st.values, key)
	return nil
}

// Translations returns the translations of a setting by locale.
func (st *Settings) Translations(key string) map[string]string {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return maps.Clone(st.translations[key])
}

func (st *Settings) known(key string) (*settingDef, error) {
	d, ok := st.defs[key]
	if ok {
		return d, nil
	}
	if st.sys.prof.SettingsV2 {
		return nil, st.sys.notFound("Setting does not exist: %s", key)
	}
	return nil, st.sys.conflict("Key is not supported: %s", key)
}

// typed returns the value of d (set or default) as DHIS2 serialises it;
// false when d has neither. The caller holds the lock.
func (st *Settings) typed(d *settingDef) (any, bool) {
	raw, set := st.values[d.key]
	if !set {
		if d.def == nil {
			return nil, false
		}
		if d.kind == kindDate {
			return st.sys.FormatTime(time.UnixMilli(0)), true
		}
		if d.kind == kindDouble {
			return javaDouble(d.def.(float64)), true
		}
		return d.def, true
	}
	switch d.kind {
	case kindBool:
		return raw == "true", true
	case kindInt:
		n, _ := strconv.ParseInt(raw, 10, 64)
		return n, true
	case kindDouble:
		f, _ := strconv.ParseFloat(raw, 64)
		return javaDouble(f), true
	case kindDate:
		t, err := time.ParseInLocation(dateLayout, raw, st.sys.loc)
		if err != nil {
			return raw, true
		}
		return st.sys.FormatTime(t), true
	}
	return raw, true
}

// convert checks value against the kind of d and returns the string to
// store, as SettingKey.getAsRealClass (≤2.41) or Settings.format (2.42)
// would accept it.
func (st *Settings) convert(d *settingDef, value string) (string, error) {
	bad := func(cause string) error {
		if st.sys.prof.SettingsV2 {
			return badRequest("Not a valid value for setting %s: %s", d.key, value)
		}
		return badRequest("%s", cause)
	}
	if value == "" {
		return "", nil
	}
	switch d.kind {
	case kindBool:
		l := strings.ToLower(value)
		if l != "true" && l != "false" {
			if st.sys.prof.SettingsV2 {
				return "", bad("")
			}
			return "false", nil // Boolean.valueOf never fails
		}
		return l, nil
	case kindInt:
		if _, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64); err != nil {
			return "", bad(fmt.Sprintf("For input string: \"%s\"", value))
		}
		return strings.TrimSpace(value), nil
	case kindDouble:
		if _, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err != nil {
			return "", bad(fmt.Sprintf("For input string: \"%s\"", value))
		}
		return strings.TrimSpace(value), nil
	case kindDate:
		for _, layout := range []string{dateLayout, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
			if t, err := time.ParseInLocation(layout, value, st.sys.loc); err == nil {
				return t.Format(dateLayout), nil
			}
		}
		return "", bad(fmt.Sprintf("Text '%s' could not be parsed", value))
	case kindEnum:
		if strings.ContainsAny(value, " \t") {
			return "", bad(fmt.Sprintf("No enum constant for value %s", value))
		}
		return value, nil
	}
	return value, nil
}

// javaDouble renders a float the way Java's Double.toString does for the
// values settings hold (2.0, not 2).
func javaDouble(f float64) json.Number {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return json.Number(s)
}

// scalarString renders a JSON scalar the way Jackson's toString would.
func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// settingsState is the snapshot form of Settings.
type settingsState struct {
	Values       map[string]string            `json:"values"`
	Translations map[string]map[string]string `json:"translations,omitempty"`
}

func (st *Settings) state() settingsState {
	st.mu.RLock()
	defer st.mu.RUnlock()
	tr := map[string]map[string]string{}
	for k, m := range st.translations {
		tr[k] = maps.Clone(m)
	}
	return settingsState{Values: maps.Clone(st.values), Translations: tr}
}

func (st *Settings) restore(s settingsState) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.values = map[string]string{}
	for k, v := range s.Values {
		st.values[k] = v
	}
	st.translations = map[string]map[string]string{}
	for k, m := range s.Translations {
		st.translations[k] = maps.Clone(m)
	}
}
