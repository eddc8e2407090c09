package emulator

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/emulator/metadata"
	"github.com/d2sync/d2sync/internal/emulator/profile"
	"github.com/d2sync/d2sync/internal/emulator/system"
)

// Emulator is one emulated DHIS2 instance. It is an http.Handler; create
// it with New and release it with Close.
type Emulator struct {
	opts    Options
	version dhis2.Version
	prof    profile.Profile
	loc     *time.Location
	log     *slog.Logger

	systemID    string
	seedSummary string
	revision    string
	buildTime   time.Time

	accounts *accounts
	tokens   *tokens
	sessions *sessions
	faults   *Faults
	reqlog   *requestLog
	counts   *counters
	jobs     *jobStore
	state    *state
	values   *datavalue.Store
	meta     *metadata.Store
	sys      *system.System // settings, dataStore, files, apps, icons, interpretations
	persist  *persister

	api     *http.ServeMux
	handler http.Handler

	closeOnce sync.Once
	closing   chan struct{}
}

// New builds an emulator from opts: it validates them, loads DataDir (if
// it holds a snapshot) or the seed, and registers the routes.
func New(opts Options) (*Emulator, error) {
	s, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	e := &Emulator{
		opts:      s.Options,
		version:   s.version,
		prof:      s.prof,
		loc:       s.loc,
		log:       s.Logger,
		systemID:  newSystemID(),
		revision:  revisionFor(s.version),
		buildTime: buildTimeFor(s.version),
		accounts:  newAccounts(),
		tokens:    newTokens(),
		sessions:  newSessions(),
		faults:    newFaults(s.FaultSeed),
		reqlog:    newRequestLog(s.RequestLogSize),
		counts:    newCounters(),
		jobs:      newJobStore(),
		closing:   make(chan struct{}),
	}
	if err := e.faults.AddSpec(s.Faults); err != nil {
		return nil, fmt.Errorf("emulator faults: %w", err)
	}
	if err := e.faults.Add(s.FaultRules...); err != nil {
		return nil, fmt.Errorf("emulator faults: %w", err)
	}
	if err := e.initState(); err != nil {
		return nil, err
	}
	e.routes()
	e.handler = http.HandlerFunc(e.serve)
	return e, nil
}

// Handler returns the emulator's HTTP handler (the emulator itself).
func (e *Emulator) Handler() http.Handler { return e }

// ServeHTTP serves one request: admin endpoints, then faults, the API
// version prefix, authentication and the API routes.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Close stops background work and, with DataDir, writes a final snapshot.
// It is safe to call more than once.
func (e *Emulator) Close() error {
	var err error
	e.closeOnce.Do(func() {
		close(e.closing)
		e.jobs.wg.Wait()
		if e.persist != nil {
			err = e.persist.close()
		}
	})
	return err
}

// Version is the emulated DHIS2 version string, exactly as configured.
func (e *Emulator) Version() string { return e.opts.Version }

// Profile is the version profile in effect.
func (e *Emulator) Profile() profile.Profile { return e.prof }

// AdminCredentials returns the superuser's username and password.
func (e *Emulator) AdminCredentials() (username, password string) {
	return e.opts.AdminUsername, e.opts.AdminPassword
}

// Requests returns the recorded requests, oldest first (at most
// Options.RequestLogSize; admin endpoints are not recorded).
func (e *Emulator) Requests() []RequestRecord { return e.reqlog.records() }

// ResetRequests clears the request log.
func (e *Emulator) ResetRequests() { e.reqlog.reset() }

// WriteCounts returns the committed writes since start or ResetCounts.
func (e *Emulator) WriteCounts() WriteCounts { return e.counts.snapshot() }

// ResetCounts zeroes the write counters.
func (e *Emulator) ResetCounts() { e.counts.reset() }

// Faults returns the live fault rules; changes apply to the next request.
func (e *Emulator) Faults() *Faults { return e.faults }

// serve is the top of the request pipeline.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == adminPrefix || strings.HasPrefix(r.URL.Path, adminPrefix+"/") {
		e.serveAdmin(w, r)
		return
	}
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	body := &countingBody{ReadCloser: r.Body}
	r.Body = body
	info := &reqInfo{}
	r = r.WithContext(withReqInfo(r.Context(), info))
	stripped, _ := splitAPIVersion(r.URL.Path)
	fault := e.faults.pick(r.Method, r.URL.Path, stripped)
	defer func() {
		p := recover()
		e.record(r, rec, body, info, fault, start)
		if p != nil {
			panic(p)
		}
	}()
	if fault != nil {
		e.applyFault(rec, r, http.HandlerFunc(e.serveAPI), fault)
		return
	}
	e.serveAPI(rec, r)
}

func (e *Emulator) record(r *http.Request, rec *recorder, body *countingBody, info *reqInfo, fault *FaultRule, start time.Time) {
	status := rec.status // 0 when the connection was closed without an answer
	rr := RequestRecord{
		Time:     e.now(),
		Method:   r.Method,
		Path:     r.URL.Path,
		Query:    r.URL.RawQuery,
		Status:   status,
		BytesIn:  body.n,
		BytesOut: rec.bytes,
		Duration: time.Since(start),
	}
	if info.user != nil {
		rr.User = info.user.Username
	}
	if fault != nil {
		rr.Fault = faultLabel(fault)
	}
	e.reqlog.add(rr)
	if e.opts.LogRequests {
		e.log.Info("request", slog.String("method", rr.Method), slog.String("path", rr.Path), slog.String("query", rr.Query),
			slog.Int("status", rr.Status), slog.Int64("bytes_in", rr.BytesIn), slog.Int64("bytes_out", rr.BytesOut),
			slog.Duration("duration", rr.Duration), slog.String("user", rr.User), slog.String("fault", rr.Fault))
	}
}

// now is the emulator clock.
func (e *Emulator) now() time.Time { return e.opts.Clock() }

// dateLayout is DHIS2's date serialization: server time zone, no offset.
const dateLayout = "2006-01-02T15:04:05.000"

// formatTime writes t the way DHIS2 does.
func (e *Emulator) formatTime(t time.Time) string { return t.In(e.loc).Format(dateLayout) }

// baseURL is the scheme, host and context path the client used.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host
}
