package syncer

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/transform"
)

// UsersPolicy says what a run does with users, whose passwords DHIS2 never
// exports.
type UsersPolicy string

// Users policies.
const (
	// UsersCreateDisabled creates users missing on the destination with a
	// random password and disabled:true; the passwords are listed only in
	// the report file. Existing destination users are updated and keep
	// their password (no password is sent). This is the default.
	UsersCreateDisabled UsersPolicy = "create-disabled"
	// UsersSkip sends no user at all and removes references to users the
	// destination does not have (user group members, sharing entries,
	// sharing owners), listing what was removed.
	UsersSkip UsersPolicy = "skip"
)

// ParseUsersPolicy parses a --users value ("" means create-disabled).
func ParseUsersPolicy(s string) (UsersPolicy, error) {
	switch UsersPolicy(strings.TrimSpace(s)) {
	case "", UsersCreateDisabled:
		return UsersCreateDisabled, nil
	case UsersSkip:
		return UsersSkip, nil
	}
	return "", fmt.Errorf("unknown users policy %q: use skip or create-disabled", s)
}

// passwordLength is the length of generated passwords: well above DHIS2's
// default minimum (8) and under its maximum (72).
const passwordLength = 24

const (
	pwUpper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	pwLower   = "abcdefghijkmnopqrstuvwxyz"
	pwDigits  = "23456789"
	pwSpecial = "!#$%&*+-=?@^_~"
)

// forbiddenInPassword are the words DHIS2's password rules reject
// (PasswordDictionaryValidationRule).
var forbiddenInPassword = []string{"user", "admin", "system", "administrator", "username", "password", "login", "manager"}

// GeneratePassword returns a random password that satisfies DHIS2's rules:
// 24 characters with upper and lower case letters, digits and special
// characters, without the username or a dictionary word inside.
func GeneratePassword(username string) (string, error) {
	for range 100 {
		pw, err := randomPassword()
		if err != nil {
			return "", fmt.Errorf("generate a password: %w", err)
		}
		if passwordAcceptable(pw, username) {
			return pw, nil
		}
	}
	return "", fmt.Errorf("generate a password for %q: no acceptable password after 100 draws", username)
}

func randomPassword() (string, error) {
	classes := []string{pwUpper, pwLower, pwDigits, pwSpecial}
	all := strings.Join(classes, "")
	b := make([]byte, passwordLength)
	for i := range b {
		set := all
		if i < len(classes) {
			set = classes[i]
		}
		c, err := pick(set)
		if err != nil {
			return "", err
		}
		b[i] = c
	}
	// Shuffle so that the class-guaranteeing characters are not first.
	for i := len(b) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		b[i], b[j.Int64()] = b[j.Int64()], b[i]
	}
	return string(b), nil
}

func pick(set string) (byte, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
	if err != nil {
		return 0, err
	}
	return set[n.Int64()], nil
}

func passwordAcceptable(pw, username string) bool {
	l := strings.ToLower(pw)
	if u := strings.ToLower(username); len(u) >= 3 && strings.Contains(l, u) {
		return false
	}
	for _, w := range forbiddenInPassword {
		if strings.Contains(l, w) {
			return false
		}
	}
	return strings.ContainsAny(pw, pwUpper) && strings.ContainsAny(pw, pwLower) &&
		strings.ContainsAny(pw, pwDigits) && strings.ContainsAny(pw, pwSpecial)
}

// stripPasswords removes any password property from users (DHIS2 never
// exports one; this guards against a payload that carries it).
func stripPasswords(p transform.Payload) {
	for _, u := range p["users"] {
		delete(u, "password")
	}
}

// skipUsers applies UsersSkip to the canonical source payload: it removes
// every user, and the references to users the destination does not have
// (destUsers), where DHIS2 would reject or keep them dangling. It returns
// one warning per kind of removal with counts.
func skipUsers(p transform.Payload, destUsers map[string]bool) []Warning {
	delete(p, "users")
	counts := map[string]int{}
	missing := func(id string) bool { return id != "" && !destUsers[id] }
	for typ, objs := range p {
		for _, o := range objs {
			if typ == "userGroups" {
				counts["user group members"] += filterRefs(o, "users", missing)
			}
			for _, k := range []string{"createdBy", "lastUpdatedBy", "user"} {
				if r, ok := o[k].(map[string]any); ok && missing(refID(r)) {
					delete(o, k)
					counts["creator and owner fields"]++
				}
			}
			if sh, ok := o["sharing"].(map[string]any); ok {
				if owner, _ := sh["owner"].(string); missing(owner) {
					delete(sh, "owner")
					counts["sharing owners"]++
				}
				if users, ok := sh["users"].(map[string]any); ok {
					for id := range users {
						if missing(id) {
							delete(users, id)
							counts["sharing user entries"]++
						}
					}
				}
			}
		}
	}
	var out []Warning
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if counts[k] > 0 {
			out = append(out, Warning{Scope: "metadata", Code: "users.skipped.references",
				Message: fmt.Sprintf("users are skipped (--users skip): removed %d %s that point to users absent from the destination", counts[k], k)})
		}
	}
	return out
}

// filterRefs removes from the collection o[key] the references for which
// drop returns true, and returns how many it removed.
func filterRefs(o map[string]any, key string, drop func(id string) bool) int {
	list, ok := o[key].([]any)
	if !ok {
		return 0
	}
	kept := list[:0]
	n := 0
	for _, e := range list {
		if drop(refID(e)) {
			n++
			continue
		}
		kept = append(kept, e)
	}
	o[key] = kept
	return n
}

func refID(v any) string {
	switch r := v.(type) {
	case string:
		return r
	case map[string]any:
		s, _ := r["id"].(string)
		return s
	}
	return ""
}

// usersDisabledByPolicy reports whether the difference between a source
// user and its destination copy is only the disabled flag that the
// create-disabled policy set: the destination user is disabled while the
// source user is not.
func usersDisabledByPolicy(src, dst map[string]any) bool {
	return isTrue(dst["disabled"]) && !isTrue(src["disabled"])
}

func isTrue(v any) bool { b, _ := v.(bool); return b }
