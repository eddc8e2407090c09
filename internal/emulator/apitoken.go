package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// postAPIToken serves POST /api/apiToken (2.37+): it creates a personal
// access token for the caller and answers 201 with the key, shown once.
// 2.41+ issue V2 keys (d2p_…) unless the body asks for
// "PERSONAL_ACCESS_TOKEN_V1"; 2.37–2.40 issue V1 keys (d2pat_…).
func (e *Emulator) postAPIToken(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Type   string `json:"type"`
		Expire int64  `json:"expire"` // epoch milliseconds
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return errStatus(http.StatusBadRequest, "Could not read the request body: %v", err)
	}
	if len(strings.TrimSpace(string(raw))) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			return errStatus(http.StatusBadRequest, "Invalid JSON body: %v", err)
		}
	}
	version := 1
	if e.prof.PATv2 && body.Type != "PERSONAL_ACCESS_TOKEN_V1" {
		version = 2
	}
	now := e.now()
	expire := now.Add(patDefaultTTL)
	if body.Expire > 0 {
		expire = time.UnixMilli(body.Expire)
	}
	key, tok := e.tokens.create(userOf(r).Username, version, now, expire)
	e.counts.update(func(c *WriteCounts) { c.Tokens++ })
	e.markDirty()
	m := newWebMessage(http.StatusCreated, "OK", "")
	m.Response = map[string]any{"responseType": "ApiTokenCreationResponse", "key": key, "uid": tok.UID}
	w.Header().Set("Location", baseURL(r)+"/api/apiToken/"+tok.UID)
	return writeWebMessage(w, m)
}

// listAPITokens serves GET /api/apiToken: the caller's tokens, never
// their keys.
func (e *Emulator) listAPITokens(w http.ResponseWriter, r *http.Request) error {
	me := userOf(r).Username
	var out []map[string]any
	for _, t := range e.tokens.list() {
		if t.Username != me {
			continue
		}
		out = append(out, map[string]any{
			"id": t.UID, "created": e.formatTime(t.Created), "expire": t.Expire.UnixMilli(), "version": t.Version,
			"type": map[int]string{1: "PERSONAL_ACCESS_TOKEN", 2: "PERSONAL_ACCESS_TOKEN_V2"}[t.Version],
		})
	}
	if out == nil {
		out = []map[string]any{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"apiToken": out})
}

// deleteAPIToken serves DELETE /api/apiToken/{uid}.
func (e *Emulator) deleteAPIToken(w http.ResponseWriter, r *http.Request) error {
	uid := r.PathValue("uid")
	me := userOf(r)
	for _, t := range e.tokens.list() {
		if t.UID == uid && t.Username != me.Username && !me.has(authorityAll) {
			return forbidden([]string{authorityAll})
		}
	}
	if !e.tokens.deleteUID(uid) {
		return errNotFound("ApiToken", uid)
	}
	e.markDirty()
	return writeWebMessage(w, newWebMessage(http.StatusOK, "OK", ""))
}
