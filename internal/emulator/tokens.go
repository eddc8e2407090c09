package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// Personal access token formats (ApiTokenType): V1 "d2pat_" + 32 random
// characters + CRC32 as 10 decimal digits (2.37+); V2 "d2p_" + 44 random
// characters + CRC32 in base 62 on 6 characters (2.41+). The CRC32 covers
// the random characters only, computed as DHIS2 does (dhis2.PATChecksum).
const (
	patV1Prefix   = "d2pat_"
	patV1Random   = 32
	patV1Checksum = 10
	patV2Prefix   = "d2p_"
	patV2Random   = 44
	patV2Checksum = 6
	patDefaultTTL = 30 * 24 * time.Hour
)

// apiToken is a stored PAT. Only the SHA-256 of the key is kept.
type apiToken struct {
	UID      string    `json:"uid"`
	Hash     string    `json:"hash"`
	Username string    `json:"username"`
	Version  int       `json:"version"`
	Created  time.Time `json:"created"`
	Expire   time.Time `json:"expire"`
}

// tokens is the thread-safe token table, keyed by key hash.
type tokens struct {
	mu     sync.RWMutex
	byHash map[string]*apiToken
}

func newTokens() *tokens { return &tokens{byHash: map[string]*apiToken{}} }

func tokenHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// create stores a new token of the given version for username and returns
// its key (shown once).
func (t *tokens) create(username string, version int, now, expire time.Time) (key string, tok *apiToken) {
	key = generatePAT(version)
	tok = &apiToken{UID: newUID(), Hash: tokenHash(key), Username: username, Version: version, Created: now, Expire: expire}
	t.mu.Lock()
	t.byHash[tok.Hash] = tok
	t.mu.Unlock()
	return key, tok
}

func (t *tokens) lookup(key string) (*apiToken, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	tok, ok := t.byHash[tokenHash(key)]
	return tok, ok
}

func (t *tokens) list() []*apiToken {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]*apiToken, 0, len(t.byHash))
	for _, tok := range t.byHash {
		out = append(out, tok)
	}
	return out
}

func (t *tokens) deleteUID(uid string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for h, tok := range t.byHash {
		if tok.UID == uid {
			delete(t.byHash, h)
			return true
		}
	}
	return false
}

// generatePAT returns a new random key of the given version (1 or 2).
func generatePAT(version int) string {
	prefix, n := patV1Prefix, patV1Random
	if version == 2 {
		prefix, n = patV2Prefix, patV2Random
	}
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = uidAlphanum[int(b[i])%len(uidAlphanum)]
	}
	return prefix + string(b) + patChecksum(version, string(b))
}

// patChecksum is the checksum DHIS2 appends to a token's random code
// (the prefix is not part of it), see dhis2.PATChecksum.
func patChecksum(version int, code string) string {
	sum := dhis2.PATChecksum(code)
	if version == 2 {
		return base62(uint64(sum), patV2Checksum)
	}
	return fmt.Sprintf("%010d", sum)
}

func base62(v uint64, width int) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	out := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		out[i] = digits[v%62]
		v /= 62
	}
	return string(out)
}

// patVersion returns the token format version of key (1 or 2) when its
// prefix, length and checksum are well formed, else 0.
func patVersion(key string) int {
	check := func(prefix string, random, checksum, version int) int {
		if !strings.HasPrefix(key, prefix) || len(key) != len(prefix)+random+checksum {
			return 0
		}
		code := key[len(prefix) : len(key)-checksum]
		if patChecksum(version, code) != key[len(key)-checksum:] {
			return 0
		}
		return version
	}
	if v := check(patV1Prefix, patV1Random, patV1Checksum, 1); v != 0 {
		return v
	}
	return check(patV2Prefix, patV2Random, patV2Checksum, 2)
}
