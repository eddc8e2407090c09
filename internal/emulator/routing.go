package emulator

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// reqInfo is per-request state shared by the pipeline stages.
type reqInfo struct {
	apiVersion int // NN of /api/NN/…, 0 when unversioned
	user       *account
}

type reqInfoKey struct{}

func withReqInfo(ctx context.Context, info *reqInfo) context.Context {
	return context.WithValue(ctx, reqInfoKey{}, info)
}

func infoOf(r *http.Request) *reqInfo {
	if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return info
	}
	return &reqInfo{}
}

// userOf returns the authenticated account of r.
func userOf(r *http.Request) *account { return infoOf(r).user }

// splitAPIVersion turns /api/NN/rest into (/api/rest, NN). Paths without
// a numeric segment after /api come back unchanged with 0.
func splitAPIVersion(p string) (string, int) {
	rest, ok := strings.CutPrefix(p, "/api/")
	if !ok {
		return p, 0
	}
	seg, tail, _ := strings.Cut(rest, "/")
	n, err := strconv.Atoi(seg)
	if err != nil || n <= 0 || len(seg) > 3 {
		return p, 0
	}
	return "/api/" + tail, n
}

// plain reports whether an import answer to r is a plain report rather
// than a WebMessage, per version and /api/NN/ prefix.
func (e *Emulator) plain(r *http.Request) bool {
	return e.prof.PlainForAPIVersion(infoOf(r).apiVersion)
}

// serveAPI handles everything but the admin endpoints: the login page,
// the /api/NN/ prefix, authentication, then the API routes.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p != "/api" && !strings.HasPrefix(p, "/api/") {
		e.serveNonAPI(w, r)
		return
	}
	if stripped, nn := splitAPIVersion(p); nn != 0 {
		if nn < e.prof.MinAPIVersion || nn > e.prof.MaxAPIVersion {
			e.authThen(w, r, func(w http.ResponseWriter, r *http.Request) {
				serveError(w, r, e.log, errStatus(http.StatusNotFound, "API version %d is not supported by this DHIS2 version (accepted: %d to %d)", nn, e.prof.MinAPIVersion, e.prof.MaxAPIVersion))
			})
			return
		}
		infoOf(r).apiVersion = nn
		r = withPath(r, stripped)
	}
	if strings.HasSuffix(r.URL.Path, ".json") && !keepsJSONSuffix(r.URL.Path) {
		r = withPath(r, strings.TrimSuffix(r.URL.Path, ".json"))
	}
	e.authThen(w, r, e.api.ServeHTTP)
}

// withPath returns a shallow copy of r with another URL path.
func withPath(r *http.Request, p string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path, u.RawPath = p, ""
	r2.URL = &u
	return r2
}

// authThen authenticates r and runs next, or answers 401/302.
func (e *Emulator) authThen(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
	a, outcome := e.authenticate(w, r)
	if outcome != authOK {
		e.denyUnauthenticated(w, r, outcome)
		return
	}
	infoOf(r).user = a
	next(w, r)
}

// handle registers an API route. anyOf lists the authorities of which the
// user needs one (ALL always passes); empty means any logged-in user.
func (e *Emulator) handle(pattern string, h handlerFunc, anyOf ...string) {
	e.api.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if u := userOf(r); u == nil || !u.has(anyOf...) {
			serveError(w, r, e.log, forbidden(append([]string{authorityAll}, anyOf...)))
			return
		}
		if err := h(w, r); err != nil {
			serveError(w, r, e.log, err)
		}
	})
}

// handleIf registers the route only when the emulated version has it;
// otherwise the path answers 404 like any unknown API path.
func (e *Emulator) handleIf(present bool, pattern string, h handlerFunc, anyOf ...string) {
	if present {
		e.handle(pattern, h, anyOf...)
	}
}

// notFoundAPI answers unknown /api paths with DHIS2's 404 WebMessage, or
// 405 when the path exists for other methods.
func (e *Emulator) notFoundAPI(w http.ResponseWriter, r *http.Request) error {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := e.api.Handler(probe); pattern != "/api/" && pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return errStatus(http.StatusMethodNotAllowed, "Request method '%s' is not supported", r.Method)
	}
	return errStatus(http.StatusNotFound, "No endpoint found for %s %s", r.Method, r.URL.Path)
}

// serveNonAPI serves the login page and redirects other browser paths to
// it, as a DHIS2 server does for unauthenticated visitors.
func (e *Emulator) serveNonAPI(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == e.prof.LoginPath || r.URL.Path+"/" == e.prof.LoginPath {
		w.Header().Set("Content-Type", "text/html;charset=UTF-8")
		w.Write([]byte(loginPage))
		return
	}
	if r.URL.Path == "/" {
		http.Redirect(w, r, e.prof.LoginPath, http.StatusFound)
		return
	}
	http.NotFound(w, r)
}

const loginPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>DHIS 2 (emulated by d2sync)</title></head>
<body><form method="post" action="#"><label>Username <input name="j_username"></label>
<label>Password <input name="j_password" type="password"></label><button type="submit">Sign in</button></form>
<p>This is the d2sync DHIS2 emulator. Use the Web API under /api with Basic authentication.</p></body></html>
`
