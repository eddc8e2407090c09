package emulator

import (
	"crypto/rand"
	"crypto/sha256"
)

const (
	uidLetters  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	uidAlphanum = "0123456789" + uidLetters
	uidLength   = 11
)

// validUID reports whether s is a DHIS2 UID: 11 characters, a letter then
// ten letters or digits (CodeGenerator.isValidUid).
func validUID(s string) bool {
	if len(s) != uidLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		digit := c >= '0' && c <= '9'
		if !letter && (i == 0 || !digit) {
			return false
		}
	}
	return true
}

// newUID returns a random DHIS2 UID.
func newUID() string {
	var b [uidLength]byte
	rand.Read(b[:])
	return uidFromBytes(b[:])
}

// uidFor returns a UID derived deterministically from seed, so that
// configured users keep their id across restarts.
func uidFor(seed string) string {
	sum := sha256.Sum256([]byte("d2sync-emulator:" + seed))
	return uidFromBytes(sum[:uidLength])
}

func uidFromBytes(b []byte) string {
	out := make([]byte, uidLength)
	out[0] = uidLetters[int(b[0])%len(uidLetters)]
	for i := 1; i < uidLength; i++ {
		out[i] = uidAlphanum[int(b[i])%len(uidAlphanum)]
	}
	return string(out)
}
