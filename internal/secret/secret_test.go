package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func mustKey(t *testing.T) *Key {
	t.Helper()
	k, err := ParseKey(GenerateKey())
	if err != nil {
		t.Fatalf("ParseKey: %v", err)
	}
	return k
}

func mustRing(t *testing.T, primary *Key, previous ...*Key) *Keyring {
	t.Helper()
	r, err := NewKeyring(primary, previous...)
	if err != nil {
		t.Fatalf("NewKeyring: %v", err)
	}
	return r
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	r := mustRing(t, mustKey(t))
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"empty", []byte{}},
		{"password", []byte("district")},
		{"unicode", []byte("mot de passe é 🔑")},
		{"pat", []byte("d2pat_Abc123xyz7890123456789")},
		{"binary", bytes.Repeat([]byte{0, 255, 7}, 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, err := r.Seal(tt.plaintext, "instance:1:password")
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			if !strings.HasPrefix(env, "v1:"+r.PrimaryKeyID()+":") {
				t.Fatalf("envelope %q lacks the v1:<keyID>: prefix", env)
			}
			if len(tt.plaintext) > 3 && strings.Contains(env, string(tt.plaintext)) {
				t.Fatal("envelope contains the plaintext")
			}
			got, err := r.Open(env, "instance:1:password")
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Fatalf("Open = %q, want %q", got, tt.plaintext)
			}
		})
	}
}

func TestSealUsesFreshNonce(t *testing.T) {
	t.Parallel()
	r := mustRing(t, mustKey(t))
	a, _ := r.Seal([]byte("same"), "c")
	b, _ := r.Seal([]byte("same"), "c")
	if a == b {
		t.Fatal("two seals of the same plaintext are identical: nonce reused")
	}
}

func TestSealRequiresContext(t *testing.T) {
	t.Parallel()
	r := mustRing(t, mustKey(t))
	if _, err := r.Seal([]byte("x"), ""); err == nil {
		t.Fatal("Seal with empty context succeeded")
	}
}

func TestOpenFailures(t *testing.T) {
	t.Parallel()
	k1, k2 := mustKey(t), mustKey(t)
	r1 := mustRing(t, k1)
	const ctx = "instance:42:password"
	env, err := r1.Seal([]byte("CANARY-pw-secret"), ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, body, _ := strings.Cut(strings.TrimPrefix(env, "v1:"), ":")
	raw, _ := base64.StdEncoding.DecodeString(body)
	flip := func(i int) string {
		b := bytes.Clone(raw)
		b[i] ^= 0x01
		return "v1:" + id + ":" + base64.StdEncoding.EncodeToString(b)
	}
	other, _ := r1.Seal([]byte("other"), "instance:43:password")
	tests := []struct {
		name    string
		ring    *Keyring
		env     string
		context string
		want    error
	}{
		{"bit flip in nonce", r1, flip(0), ctx, ErrTampered},
		{"bit flip in ciphertext", r1, flip(14), ctx, ErrTampered},
		{"bit flip in tag", r1, flip(len(raw) - 1), ctx, ErrTampered},
		{"row swap (other row's ciphertext)", r1, other, ctx, ErrTampered},
		{"wrong purpose", r1, env, "instance:42:token", ErrTampered},
		{"relabelled key id", mustRing(t, k1, k2), "v1:" + k2.ID() + ":" + body, ctx, ErrTampered},
		{"wrong key configured", mustRing(t, k2), env, ctx, ErrUnknownKey},
		{"not an envelope", r1, "CANARY-pw-secret", ctx, ErrMalformed},
		{"unknown version", r1, "v9:" + id + ":" + body, ctx, ErrMalformed},
		{"bad base64", r1, "v1:" + id + ":***", ctx, ErrMalformed},
		{"too short", r1, "v1:" + id + ":" + base64.StdEncoding.EncodeToString([]byte("short")), ctx, ErrMalformed},
		{"empty", r1, "", ctx, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.ring.Open(tt.env, tt.context)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open error = %v, want %v", err, tt.want)
			}
			if got != nil {
				t.Fatalf("Open returned data %q on failure", got)
			}
			if strings.Contains(err.Error(), "CANARY") {
				t.Fatalf("error leaks the plaintext: %v", err)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := mustKey(t), mustKey(t)
	oldRing := mustRing(t, oldKey)
	env, _ := oldRing.Seal([]byte("district"), "instance:7:password")

	ring := mustRing(t, newKey, oldKey)
	if got, err := ring.Open(env, "instance:7:password"); err != nil || string(got) != "district" {
		t.Fatalf("ring cannot open an old envelope: %q, %v", got, err)
	}
	out, changed, err := ring.Rewrap(env, "instance:7:password")
	if err != nil || !changed {
		t.Fatalf("Rewrap = changed %v, err %v; want changed", changed, err)
	}
	if id, _ := KeyID(out); id != newKey.ID() {
		t.Fatalf("rewrapped key id = %s, want %s", id, newKey.ID())
	}
	again, changed, err := ring.Rewrap(out, "instance:7:password")
	if err != nil || changed || again != out {
		t.Fatalf("second Rewrap = changed %v, err %v; want a no-op", changed, err)
	}
	// After rotation the old key can be dropped.
	onlyNew := mustRing(t, newKey)
	if got, err := onlyNew.Open(out, "instance:7:password"); err != nil || string(got) != "district" {
		t.Fatalf("new-only ring cannot open rewrapped envelope: %q, %v", got, err)
	}
	if _, _, err := onlyNew.Rewrap(env, "instance:7:password"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Rewrap with a missing old key = %v, want ErrUnknownKey", err)
	}
	if _, _, err := ring.Rewrap(env, "instance:8:password"); !errors.Is(err, ErrTampered) {
		t.Fatalf("Rewrap with the wrong context = %v, want ErrTampered", err)
	}
}

func TestKeyConstruction(t *testing.T) {
	t.Parallel()
	raw := bytes.Repeat([]byte{1}, KeySize)
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{"std", base64.StdEncoding.EncodeToString(raw), false},
		{"raw url with newline", base64.RawURLEncoding.EncodeToString(raw) + "\n", false},
		{"31 bytes", base64.StdEncoding.EncodeToString(raw[:31]), true},
		{"not base64", "!!!!", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := ParseKey(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseKey err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && len(k.ID()) != 12 {
				t.Fatalf("ID %q is not 12 hex digits", k.ID())
			}
		})
	}
	a, _ := NewKey(raw)
	b, _ := NewKey(raw)
	if a.ID() != b.ID() {
		t.Error("the same key material gives different IDs")
	}
	if _, err := NewKeyring(nil); err == nil {
		t.Error("NewKeyring(nil) succeeded")
	}
}

func TestKeyFile(t *testing.T) {
	t.Parallel()
	t.Run("created once with 0600 and reused", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "sub", KeyFileName)
		k1, created, err := LoadOrCreateKeyFile(path)
		if err != nil || !created {
			t.Fatalf("first LoadOrCreateKeyFile = created %v, err %v", created, err)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Fatalf("key file mode = %04o, want 0600", perm)
		}
		k2, created, err := LoadOrCreateKeyFile(path)
		if err != nil || created || k2.ID() != k1.ID() {
			t.Fatalf("second call = created %v, err %v, same key %v", created, err, k2 != nil && k2.ID() == k1.ID())
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Fatalf("directory holds %d entries, want only the key file (temp files left behind?)", len(entries))
		}
	})
	t.Run("group or world readable is refused", func(t *testing.T) {
		t.Parallel()
		for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o666} {
			path := filepath.Join(t.TempDir(), KeyFileName)
			if err := os.WriteFile(path, []byte(GenerateKey()), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			_, _, err := LoadOrCreateKeyFile(path)
			if !errors.Is(err, ErrInsecureKeyFile) || !strings.Contains(err.Error(), "chmod 600") {
				t.Fatalf("mode %04o: err = %v, want ErrInsecureKeyFile with a chmod hint", mode, err)
			}
		}
	})
	t.Run("corrupt file is an error, not a new key", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), KeyFileName)
		if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, created, err := LoadOrCreateKeyFile(path); err == nil || created {
			t.Fatalf("corrupt key file: created %v, err %v", created, err)
		}
	})
	t.Run("directory is not a key", func(t *testing.T) {
		t.Parallel()
		if _, err := LoadKeyFile(t.TempDir()); err == nil {
			t.Fatal("LoadKeyFile on a directory succeeded")
		}
	})
	t.Run("concurrent first starts agree", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), KeyFileName)
		var wg sync.WaitGroup
		ids := make([]string, 8)
		errs := make([]error, 8)
		for i := range ids {
			wg.Go(func() {
				k, _, err := LoadOrCreateKeyFile(path)
				errs[i] = err
				if err == nil {
					ids[i] = k.ID()
				}
			})
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("goroutine %d: id %q err %v; want all equal to %q", i, ids[i], errs[i], ids[0])
			}
		}
	})
}
