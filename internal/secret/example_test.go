package secret_test

import (
	"errors"
	"fmt"

	"github.com/d2sync/d2sync/internal/secret"
)

// Example seals a DHIS2 password for row 42 of the instances table, opens
// it again, and shows that the same envelope cannot be opened for another
// row.
func Example() {
	// In production the key comes from D2SYNC_SECRET_KEY or the key file.
	key, err := secret.ParseKey("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		panic(err)
	}
	ring, err := secret.NewKeyring(key)
	if err != nil {
		panic(err)
	}

	envelope, err := ring.Seal([]byte("district"), "instance:42:password")
	if err != nil {
		panic(err)
	}
	keyID, _ := secret.KeyID(envelope)
	fmt.Println("sealed with key", keyID)

	plain, err := ring.Open(envelope, "instance:42:password")
	fmt.Println(string(plain), err)

	_, err = ring.Open(envelope, "instance:43:password")
	fmt.Println(errors.Is(err, secret.ErrTampered))
	// Output:
	// sealed with key 9cb56a2e4e7d
	// district <nil>
	// true
}
