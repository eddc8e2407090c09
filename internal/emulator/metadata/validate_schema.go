package metadata

import (
	"regexp"
	"strings"
	"unicode"
)

// checkSchema is SchemaCheck: required properties (E4000), lengths (E4001),
// e-mail (E4003), URL (E4004), password (E4005) and colour (E4006).
func (im *importer) checkSchema(b *batch) {
	for _, e := range im.selected(b) {
		var ers []ErrorReport
		for _, p := range b.schema.Properties {
			if !p.Persisted {
				continue
			}
			ers = append(ers, im.checkProperty(b.schema, p, e)...)
		}
		if _, flat := b.schema.Property("password"); !flat && e.password != "" {
			// ≤2.37: the password travels in userCredentials
			if msg := passwordProblem(e.password, im.usernameOfEntry(e)); msg != "" {
				er := im.newError(b.schema.Klass, "E4005", "password", msg)
				er.ErrorKlass, er.ErrorProperty = "java.lang.String", "password"
				ers = append(ers, er)
			}
		}
		im.report(b, e, true, ers...)
	}
}

// defaultClasses are the classes whose missing references get the default
// object (Preheat.isDefaultClass), so they never raise E4000.
var defaultClasses = map[string]bool{
	"org.hisp.dhis.category.Category": true, "org.hisp.dhis.category.CategoryCombo": true,
	"org.hisp.dhis.category.CategoryOption": true, "org.hisp.dhis.category.CategoryOptionCombo": true,
	"org.hisp.dhis.dataelement.DataElementCategory": true, "org.hisp.dhis.dataelement.DataElementCategoryCombo": true,
	"org.hisp.dhis.dataelement.DataElementCategoryOption": true, "org.hisp.dhis.dataelement.DataElementCategoryOptionCombo": true,
}

func (im *importer) checkProperty(sc *Schema, p *Property, e *entry) []ErrorReport {
	v, present := e.obj[p.Name]
	if p.Type == Password {
		v, present = e.password, e.password != ""
	}
	if !present || v == nil {
		if p.Required && !p.NonNull && !p.Collection() && !defaultClasses[p.Klass] && p.Name != "id" {
			er := im.newError(sc.Klass, "E4000", p.Name)
			er.ErrorKlass, er.ErrorProperty = p.Klass, p.Name
			return []ErrorReport{er}
		}
		return nil
	}
	s, isStr := v.(string)
	if !isStr || s == "" {
		return nil
	}
	mk := func(code string, args ...any) []ErrorReport {
		er := im.newError(sc.Klass, code, args...)
		er.ErrorKlass, er.ErrorProperty = p.Klass, p.Name
		return []ErrorReport{er}
	}
	n := len([]rune(s))
	if p.Length > 0 && n > p.Length && p.Type != Password {
		return mk("E4001", p.Name, p.Length, n)
	}
	switch p.Type {
	case Email:
		if !emailValid(s) {
			return mk("E4003", p.Name, s)
		}
	case URL:
		if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
			return mk("E4004", p.Name, s)
		}
	case Password:
		if msg := passwordProblem(s, im.usernameOfEntry(e)); msg != "" {
			return mk("E4005", p.Name, msg)
		}
	case Color:
		if !hexColor.MatchString(s) {
			return mk("E4006", p.Name, s)
		}
	}
	return nil
}

var (
	hexColor = regexp.MustCompile(`^#?([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$`)
	emailRE  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func emailValid(s string) bool { return emailRE.MatchString(s) }

// usernameValid mirrors ValidationUtils.usernameIsValid: 4–255 characters of
// letters, digits and - _ . @, not starting or ending with, nor repeating, a
// special character.
func usernameValid(u string) bool {
	if len(u) < 4 || len(u) > 255 {
		return false
	}
	special := func(c byte) bool { return c == '-' || c == '_' || c == '.' || c == '@' }
	for i := 0; i < len(u); i++ {
		c := u[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && !special(c) {
			return false
		}
		if special(c) && (i == 0 || i == len(u)-1 || special(u[i-1])) {
			return false
		}
	}
	return true
}

var passwordDictionary = []string{"user", "admin", "system", "administrator", "username", "password", "login", "manager"}

// passwordProblem applies DHIS2's default password rules (E4005 reports the
// reason in every version; up to 2.40 DHIS2 echoed the password itself, which
// the emulator does not repeat) (length 8–72, a
// digit, lower and upper case letters, a special character, no dictionary
// word, not containing the username) and returns the failure message.
func passwordProblem(pw, username string) string {
	if n := len(pw); n < 8 || n > 72 {
		return "Password must have at least 8, and at most 72 characters"
	}
	var digit, lower, upper, special bool
	for _, r := range pw {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		default:
			special = true
		}
	}
	switch {
	case !digit:
		return "Password must have at least one digit"
	case !upper:
		return "Password must have at least one upper case"
	case !lower:
		return "Password must have at least one lower case"
	case !special:
		return "Password must have at least one special character"
	}
	lp := strings.ToLower(pw)
	for _, w := range passwordDictionary {
		if strings.Contains(lp, w) {
			return "Password must not have any generic word"
		}
	}
	if username != "" && strings.Contains(lp, strings.ToLower(username)) {
		return "Username/Email must not be a part of password"
	}
	return ""
}
