package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// adminPrefix is where the emulator's own control endpoints live. Faults
// never apply to them and they are not recorded in the request log.
const adminPrefix = "/__emulator"

// serveAdmin serves the control endpoints; they need an account with ALL.
//
//	GET    /__emulator/faults      rules with counters
//	PUT    /__emulator/faults      replace the rules (grammar text or JSON array of FaultRule)
//	POST   /__emulator/faults      add rules (same body forms)
//	DELETE /__emulator/faults      remove every rule
//	GET    /__emulator/requests    request log (?limit=N last records, ?path=glob, ?method=M)
//	POST   /__emulator/reset-log   clear the request log and the write counters
//	GET    /__emulator/stats       write counters, request totals, state sizes
//	POST   /__emulator/persist     write a snapshot now (with a data dir)
func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	a, outcome := e.authenticate(w, r)
	if outcome != authOK {
		e.denyUnauthenticated(w, r, outcome)
		return
	}
	if !a.has(authorityAll) {
		serveError(w, r, e.log, forbidden([]string{authorityAll}))
		return
	}
	var err error
	switch route := r.Method + " " + strings.TrimSuffix(r.URL.Path, "/"); route {
	case "GET /__emulator/faults":
		err = writeJSON(w, http.StatusOK, e.faults.Rules())
	case "PUT /__emulator/faults", "POST /__emulator/faults":
		err = e.adminSetFaults(w, r, r.Method == http.MethodPut)
	case "DELETE /__emulator/faults":
		e.faults.Clear()
		err = writeJSON(w, http.StatusOK, e.faults.Rules())
	case "GET /__emulator/requests":
		err = e.adminRequests(w, r)
	case "POST /__emulator/reset-log":
		e.ResetRequests()
		e.ResetCounts()
		err = writeWebMessage(w, newWebMessage(http.StatusOK, "OK", "Request log and write counters cleared"))
	case "GET /__emulator/stats":
		err = writeJSON(w, http.StatusOK, e.Stats())
	case "POST /__emulator/persist":
		err = e.adminPersist(w)
	default:
		err = errStatus(http.StatusNotFound, "No emulator endpoint %s", route)
	}
	if err != nil {
		serveError(w, r, e.log, err)
	}
}

func (e *Emulator) adminSetFaults(w http.ResponseWriter, r *http.Request, replace bool) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return errStatus(http.StatusBadRequest, "could not read the body: %v", err)
	}
	var rules []FaultRule
	if t := strings.TrimSpace(string(body)); strings.HasPrefix(t, "[") {
		err = json.Unmarshal(body, &rules)
	} else {
		rules, err = ParseFaults(t)
	}
	if err != nil {
		return errStatus(http.StatusBadRequest, "invalid fault rules: %v", err)
	}
	if replace {
		err = e.faults.Set(rules...)
	} else {
		err = e.faults.Add(rules...)
	}
	if err != nil {
		return errStatus(http.StatusBadRequest, "invalid fault rules: %v", err)
	}
	return writeJSON(w, http.StatusOK, e.faults.Rules())
}

func (e *Emulator) adminRequests(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	recs := e.Requests()
	if g, m := q.Get("path"), q.Get("method"); g != "" || m != "" {
		kept := recs[:0]
		for _, rec := range recs {
			if (g == "" || globMatch(g, rec.Path)) && (m == "" || strings.EqualFold(m, rec.Method)) {
				kept = append(kept, rec)
			}
		}
		recs = kept
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return errStatus(http.StatusBadRequest, "limit must be a non-negative integer")
		}
		if n < len(recs) {
			recs = recs[len(recs)-n:]
		}
	}
	if recs == nil {
		recs = []RequestRecord{}
	}
	return writeJSON(w, http.StatusOK, recs)
}

func (e *Emulator) adminPersist(w http.ResponseWriter) error {
	if e.persist == nil {
		return errStatus(http.StatusConflict, "the emulator has no data dir; start it with --data-dir to persist")
	}
	if err := e.persist.saveNow(); err != nil {
		return err
	}
	return writeWebMessage(w, newWebMessage(http.StatusOK, "OK", "Snapshot written to "+e.opts.DataDir))
}

// Stats is the summary served by GET /__emulator/stats.
type Stats struct {
	Version       string         `json:"version"`
	Requests      int64          `json:"requests"` // recorded since start or the last reset
	Writes        WriteCounts    `json:"writes"`
	TotalWrites   int64          `json:"totalWrites"`
	Objects       map[string]int `json:"objects,omitempty"` // metadata objects per plural type
	DataValues    int            `json:"dataValues"`
	Registrations int            `json:"completeDataSetRegistrations"`
	Tracker       TrackerStats   `json:"tracker"`
	Jobs          int            `json:"jobs"`
}

// Stats returns the counters and state sizes.
func (e *Emulator) Stats() Stats {
	e.reqlog.mu.Lock()
	total := e.reqlog.total
	e.reqlog.mu.Unlock()
	e.jobs.mu.Lock()
	njobs := len(e.jobs.order)
	e.jobs.mu.Unlock()
	wc := e.WriteCounts()
	st := Stats{Version: e.opts.Version, Requests: total, Writes: wc, TotalWrites: wc.Total(), Jobs: njobs}
	e.state.fillStats(&st)
	return st
}
