package seed

const (
	uidAlnum   = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	uidLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	pow62x10   = uint64(839299365868340224) // 62^10
)

// uidFrom encodes a 64-bit value as a DHIS2 UID (a letter then 10
// alphanumerics). The encoding is injective: x / 62^10 is below 22 and picks
// the first letter (shifted by 22 on half of the values to use more of the
// alphabet), x mod 62^10 fills the other ten characters.
func uidFrom(x uint64) string {
	q, rest := x/pow62x10, x%pow62x10
	var b [11]byte
	b[0] = uidLetters[q+22*((rest>>7)&1)]
	for i := 10; i >= 1; i-- {
		b[i] = uidAlnum[rest%62]
		rest /= 62
	}
	return string(b[:])
}

// uidKey derives a UID from a string key.
func uidKey(key string) string { return uidFrom(mix64(fnv64(key))) }

// uidSeq derives the i-th UID of a namespace. Within one namespace distinct
// indexes give distinct UIDs (mix64 and uidFrom are both injective).
func uidSeq(ns uint64, i int) string { return uidFrom(mix64(ns + uint64(i))) }
