package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"
)

// sessionCookie is DHIS2's (Tomcat's) session cookie name.
const (
	sessionCookie  = "JSESSIONID"
	sessionTimeout = time.Hour // system.session.timeout default 3600 s
)

// authOutcome says why authentication failed.
type authOutcome int

const (
	authOK          authOutcome = iota
	authMissing                 // no credentials at all
	authBad                     // credentials present but wrong
	authUnsupported             // a token type this version does not know
)

// sessions maps JSESSIONID values to usernames.
type sessions struct {
	mu   sync.Mutex
	byID map[string]sessionEntry
}

type sessionEntry struct {
	account *account
	expires time.Time
}

func newSessions() *sessions { return &sessions{byID: map[string]sessionEntry{}} }

func (s *sessions) create(a *account, now time.Time) string {
	b := make([]byte, 16)
	rand.Read(b)
	id := strings.ToUpper(hex.EncodeToString(b))
	s.mu.Lock()
	s.byID[id] = sessionEntry{account: a, expires: now.Add(sessionTimeout)}
	s.mu.Unlock()
	return id
}

func (s *sessions) lookup(id string, now time.Time) (*account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok || now.After(e.expires) {
		delete(s.byID, id)
		return nil, false
	}
	e.expires = now.Add(sessionTimeout)
	s.byID[id] = e
	return e.account, true
}

// authenticate identifies the caller from the Authorization header or,
// without one, from a JSESSIONID cookie. A successful Basic login opens a
// session and sets the cookie, as DHIS2 does.
func (e *Emulator) authenticate(w http.ResponseWriter, r *http.Request) (*account, authOutcome) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if c, err := r.Cookie(sessionCookie); err == nil {
			if a, ok := e.sessions.lookup(c.Value, e.now()); ok {
				return a, authOK
			}
		}
		return nil, authMissing
	}
	scheme, cred, _ := strings.Cut(h, " ")
	switch strings.ToLower(scheme) {
	case "basic":
		a, ok := e.basicAuth(strings.TrimSpace(cred))
		if !ok {
			return nil, authBad
		}
		if _, err := r.Cookie(sessionCookie); err != nil {
			id := e.sessions.create(a, e.now())
			http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
		return a, authOK
	case "apitoken":
		return e.tokenAuth(strings.TrimSpace(cred))
	default:
		return nil, authBad
	}
}

func (e *Emulator) basicAuth(cred string) (*account, bool) {
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return nil, false
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return nil, false
	}
	if a, ok := e.accounts.verify(user, pass); ok {
		return a, true
	}
	return e.metadataAccount(user, pass)
}

// metadataAccount authenticates a user imported through the metadata API
// with a password, deriving its authorities from its user roles.
func (e *Emulator) metadataAccount(username, password string) (*account, bool) {
	if _, taken := e.accounts.get(username); taken {
		return nil, false
	}
	uid, ok := e.meta.VerifyPassword(username, password)
	if !ok {
		return nil, false
	}
	u, err := e.meta.Get("users", uid, "*", "")
	if err != nil {
		return nil, false
	}
	uc, _ := u["userCredentials"].(map[string]any)
	if disabled, _ := u["disabled"].(bool); disabled {
		return nil, false // DHIS2 refuses disabled accounts
	}
	if disabled, _ := uc["disabled"].(bool); disabled {
		return nil, false
	}
	a := &account{ID: uid, Username: username}
	a.FirstName, _ = u["firstName"].(string)
	a.Surname, _ = u["surname"].(string)
	roles, _ := u["userRoles"].([]any)
	if uc != nil && roles == nil {
		roles, _ = uc["userRoles"].([]any)
	}
	seen := map[string]bool{}
	for _, ref := range roles {
		id, _ := ref.(map[string]any)["id"].(string)
		role, err := e.meta.Get("userRoles", id, "authorities", "")
		if err != nil {
			continue
		}
		a.RoleIDs = append(a.RoleIDs, id)
		auths, _ := role["authorities"].([]any)
		for _, au := range auths {
			if s, ok := au.(string); ok && !seen[s] {
				seen[s] = true
				a.Authorities = append(a.Authorities, s)
			}
		}
	}
	return a, true
}

// tokenAuth accepts a personal access token when the emulated version
// knows its format: V1 from 2.37, V2 from 2.41. Older versions have no
// ApiToken scheme and answer 401, like any bad credential.
func (e *Emulator) tokenAuth(key string) (*account, authOutcome) {
	v := patVersion(key)
	switch {
	case v == 0:
		return nil, authBad
	case v == 1 && !e.prof.PATv1, v == 2 && !e.prof.PATv2:
		return nil, authUnsupported
	}
	tok, ok := e.tokens.lookup(key)
	if !ok || !e.now().Before(tok.Expire) {
		return nil, authBad
	}
	a, ok := e.accounts.get(tok.Username)
	if !ok {
		return nil, authBad
	}
	return a, authOK // tokens of users imported with a password are not supported
}

// browserLike reports whether an unauthenticated request looks like a
// browser navigation, which DHIS2 redirects to its login page instead of
// answering 401.
func browserLike(r *http.Request) bool {
	if strings.EqualFold(r.Header.Get("X-Requested-With"), "XMLHttpRequest") {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// denyUnauthenticated writes the answer to a request without valid
// credentials: 302 to the login page for browsers that sent none, 401
// with a WebMessage otherwise.
func (e *Emulator) denyUnauthenticated(w http.ResponseWriter, r *http.Request, outcome authOutcome) {
	if outcome == authMissing && browserLike(r) {
		http.Redirect(w, r, e.prof.LoginPath, http.StatusFound)
		return
	}
	if outcome == authBad && strings.HasPrefix(strings.ToLower(r.Header.Get("Authorization")), "basic") {
		w.Header().Set("WWW-Authenticate", `Basic realm="DHIS2"`)
	}
	serveError(w, r, e.log, errStatus(http.StatusUnauthorized, "Unauthorized"))
}

// forbidden is DHIS2's answer when the user lacks the authority.
func forbidden(anyOf []string) *apiError {
	return errStatus(http.StatusForbidden, "Access is denied, requires one Authority from [%s]", strings.Join(anyOf, ", "))
}
