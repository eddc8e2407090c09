// Package secret seals credentials at rest (DHIS2 passwords and personal
// access tokens) with AES-256-GCM.
//
// A sealed value is a text envelope "v1:<keyID>:<base64(nonce|ciphertext)>".
// The nonce is 96 random bits. The additional authenticated data binds the
// envelope to its version, its key ID and a caller-chosen context naming the
// row and purpose (for example "instance:42:password"), so a ciphertext
// copied to another row, or relabelled with another key ID, fails to open.
//
// A Keyring holds one primary key, used to seal, and any number of older
// keys that can still open; Rewrap re-seals an envelope under the primary
// key, which is how keys are rotated. Key IDs are fingerprints of the key
// material, so a ring built from the wrong key reports ErrUnknownKey rather
// than garbage. The key itself never goes to the database: it comes from
// D2SYNC_SECRET_KEY(_FILE) or from a 0600 key file in the data directory
// (see LoadOrCreateKeyFile).
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length in bytes of a master key.
const KeySize = 32

// envelopeVersion prefixes every envelope this package writes.
const envelopeVersion = "v1"

// Errors returned by Open and Rewrap. They are wrapped with details; match
// them with errors.Is.
var (
	// ErrMalformed means the value is not an envelope this package wrote
	// (wrong prefix, unknown version, bad base64, too short).
	ErrMalformed = errors.New("malformed secret envelope")

	// ErrUnknownKey means the envelope was sealed with a key that is not in
	// the keyring: the configured key is the wrong one, or an old key was
	// removed before every secret was rewrapped.
	ErrUnknownKey = errors.New("secret was sealed with a key that is not configured")

	// ErrTampered means authentication failed: the ciphertext was modified,
	// or it belongs to another row or purpose than the context given.
	ErrTampered = errors.New("secret failed authentication (modified, or moved from another row)")
)

// Key is one 32-byte master key with its derived AES-256-GCM cipher.
type Key struct {
	aead cipher.AEAD
	id   string
}

// NewKey builds a key from 32 bytes of key material. The AES key is derived
// with HKDF-SHA256 so the same master key can later feed other purposes
// (such as session signing) without reuse.
func NewKey(raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("secret key must be %d bytes, got %d", KeySize, len(raw))
	}
	sub, err := hkdf.Key(sha256.New, raw, nil, "d2sync secret envelope v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive secret key: %w", err)
	}
	block, err := aes.NewCipher(sub)
	if err != nil {
		return nil, fmt.Errorf("create cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("create GCM: %w", err)
	}
	return &Key{aead: aead, id: fingerprint(raw)}, nil
}

// ParseKey decodes a base64 key (standard or URL alphabet, padding
// optional) and builds it with NewKey.
func ParseKey(b64 string) (*Key, error) {
	b64 = strings.TrimSpace(b64)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(b64); err == nil {
			return NewKey(raw)
		}
	}
	return nil, errors.New("secret key is not valid base64; generate one with: head -c32 /dev/urandom | base64")
}

// GenerateKey returns the base64 encoding of 32 fresh random bytes.
func GenerateKey() string {
	raw := make([]byte, KeySize)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails (Go 1.24+)
	return base64.StdEncoding.EncodeToString(raw)
}

// ID returns the key's fingerprint: 12 hex digits of a SHA-256 over the key
// material. It is safe to store and log.
func (k *Key) ID() string { return k.id }

func fingerprint(raw []byte) string {
	h := sha256.New()
	h.Write([]byte("d2sync key id\x00"))
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// Keyring seals with its primary key and opens with any key it holds. It is
// safe for concurrent use.
type Keyring struct {
	keys    map[string]*Key
	primary *Key
}

// NewKeyring returns a ring that seals with primary and opens envelopes
// sealed with primary or any of previous.
func NewKeyring(primary *Key, previous ...*Key) (*Keyring, error) {
	if primary == nil {
		return nil, errors.New("keyring needs a primary key")
	}
	r := &Keyring{primary: primary, keys: map[string]*Key{primary.id: primary}}
	for _, k := range previous {
		if k == nil {
			return nil, errors.New("keyring: nil previous key")
		}
		r.keys[k.id] = k
	}
	return r, nil
}

// PrimaryKeyID returns the ID of the key new envelopes are sealed with.
func (r *Keyring) PrimaryKeyID() string { return r.primary.id }

// Seal encrypts plaintext under the primary key, bound to context (which
// must name the row and purpose, e.g. "instance:42:password").
func (r *Keyring) Seal(plaintext []byte, context string) (string, error) {
	if context == "" {
		return "", errors.New("seal secret: empty context; bind it to its row and purpose, e.g. instance:42:password")
	}
	k := r.primary
	nonce := make([]byte, k.aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := k.aead.Seal(nonce, nonce, plaintext, aad(k.id, context))
	return envelopeVersion + ":" + k.id + ":" + base64.StdEncoding.EncodeToString(out), nil
}

// Open decrypts an envelope sealed for context. Errors wrap ErrMalformed,
// ErrUnknownKey or ErrTampered and never contain the plaintext.
func (r *Keyring) Open(envelope, context string) ([]byte, error) {
	id, data, err := parse(envelope)
	if err != nil {
		return nil, err
	}
	k, ok := r.keys[id]
	if !ok {
		return nil, fmt.Errorf("open secret for %s: key %s: %w", context, id, ErrUnknownKey)
	}
	ns := k.aead.NonceSize()
	if len(data) < ns+k.aead.Overhead() {
		return nil, fmt.Errorf("open secret for %s: ciphertext too short: %w", context, ErrMalformed)
	}
	pt, err := k.aead.Open(nil, data[:ns], data[ns:], aad(id, context))
	if err != nil {
		return nil, fmt.Errorf("open secret for %s: %w", context, ErrTampered)
	}
	return pt, nil
}

// Rewrap opens envelope and, when it was not sealed with the primary key,
// seals it again under the primary key. changed reports whether a new
// envelope was produced; when false, out equals envelope. Rewrap is
// idempotent, so a rotation interrupted halfway can simply be run again.
func (r *Keyring) Rewrap(envelope, context string) (out string, changed bool, err error) {
	id, err := KeyID(envelope)
	if err != nil {
		return "", false, err
	}
	pt, err := r.Open(envelope, context)
	if err != nil {
		return "", false, err
	}
	defer clear(pt)
	if id == r.primary.id {
		return envelope, false, nil
	}
	out, err = r.Seal(pt, context)
	if err != nil {
		return "", false, err
	}
	return out, true, nil
}

// KeyID returns the ID of the key an envelope was sealed with, without
// decrypting it.
func KeyID(envelope string) (string, error) {
	id, _, err := parse(envelope)
	return id, err
}

func parse(envelope string) (id string, data []byte, err error) {
	parts := strings.SplitN(envelope, ":", 3)
	if len(parts) != 3 || parts[0] != envelopeVersion || parts[1] == "" {
		return "", nil, fmt.Errorf("parse secret: expected %s:<keyID>:<data>: %w", envelopeVersion, ErrMalformed)
	}
	data, err = base64.StdEncoding.DecodeString(parts[2])
	if err != nil {
		return "", nil, fmt.Errorf("parse secret: bad base64: %w", ErrMalformed)
	}
	return parts[1], data, nil
}

// aad binds the envelope version, key ID and caller context.
func aad(keyID, context string) []byte {
	return []byte("d2sync:" + envelopeVersion + ":" + keyID + ":" + context)
}
