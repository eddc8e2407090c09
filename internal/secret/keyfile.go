package secret

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// KeyFileName is the name of the key file created in the data directory
// when no key is configured.
const KeyFileName = "secret.key"

// ErrInsecureKeyFile means the key file can be read or written by users
// other than its owner.
var ErrInsecureKeyFile = errors.New("key file is accessible by group or others")

// LoadKeyFile reads a base64 key from path. It refuses a file whose mode
// grants any access to group or others (on Unix), and a non-regular file.
func LoadKeyFile(path string) (*Key, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("key file %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o; restrict it with: chmod 600 %s", ErrInsecureKeyFile, path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	k, err := ParseKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// LoadOrCreateKeyFile loads the key at path, or, when the file does not
// exist, generates a random key and writes it there with mode 0600
// (creating the directory with 0700 if needed). created reports whether a
// new key was written; callers should log that loudly, since losing the
// file makes every stored credential unreadable.
//
// Creation is atomic and exclusive: the key is written to a temporary file
// opened with O_EXCL and then hard-linked into place, so concurrent first
// starts agree on one key and nobody ever reads a half-written file.
func LoadOrCreateKeyFile(path string) (key *Key, created bool, err error) {
	k, err := LoadKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create key file directory: %w", err)
	}
	b64 := GenerateKey()
	if err := writeExclusive(path, []byte(b64+"\n")); err != nil {
		if errors.Is(err, fs.ErrExist) { // another process won the race
			k, err := LoadKeyFile(path)
			return k, false, err
		}
		return nil, false, err
	}
	k, err = ParseKey(b64)
	return k, err == nil, err
}

// writeExclusive writes data to a new 0600 file at path; it fails with an
// error wrapping fs.ErrExist when path already exists.
func writeExclusive(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-*.tmp") // O_EXCL, mode 0600
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("create key file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	return nil
}
