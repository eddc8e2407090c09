package tracker

import "crypto/rand"

const (
	uidLetters  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	uidAlphanum = "0123456789" + uidLetters
)

// ValidUID reports whether s is a DHIS2 UID: 11 characters, a letter
// then ten letters or digits (CodeGenerator.isValidUid).
func ValidUID(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// NewUID returns a random DHIS2 UID.
func NewUID() string {
	var b [11]byte
	rand.Read(b[:])
	out := make([]byte, 11)
	out[0] = uidLetters[int(b[0])%len(uidLetters)]
	for i := 1; i < 11; i++ {
		out[i] = uidAlphanum[int(b[i])%len(uidAlphanum)]
	}
	return string(out)
}
