package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/secret"
	"github.com/d2sync/d2sync/internal/store"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

func newRing(t *testing.T, keys ...*secret.Key) *secret.Keyring {
	t.Helper()
	if len(keys) == 0 {
		keys = []*secret.Key{newKey(t)}
	}
	r, err := secret.NewKeyring(keys[0], keys[1:]...)
	must(t, err)
	return r
}

func newKey(t *testing.T) *secret.Key {
	t.Helper()
	k, err := secret.ParseKey(secret.GenerateKey())
	must(t, err)
	return k
}

func exerciseMigrations(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	st := newStore(t)
	res, err := st.Migrate(ctx)
	must(t, err)
	if len(res.Applied) != 0 || res.From != res.To {
		t.Fatalf("second Migrate = %+v, want a no-op", res)
	}
	current, latest, err := st.SchemaVersion(ctx)
	must(t, err)
	if current != latest || latest < 3 || res.To != latest {
		t.Fatalf("SchemaVersion = %d/%d after Migrate to %d", current, latest, res.To)
	}
	ok, err := st.SchemaUpToDate(ctx)
	if err != nil || !ok {
		t.Fatalf("SchemaUpToDate = %v, %v", ok, err)
	}
}

func basicInput(name string) store.InstanceInput {
	return store.InstanceInput{Name: name, BaseURL: "https://play.example.org/dhis", AuthKind: store.AuthBasic, Username: "admin", Secret: "district"}
}

func exerciseInstances(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	t.Run("create get list", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithSealer(newRing(t)), store.WithClock(clock.Now))
		a, err := st.CreateInstance(ctx, basicInput("Senegal"))
		must(t, err)
		want := us(clock.Now())
		if a.ID == 0 || a.Name != "Senegal" || a.AuthKind != store.AuthBasic || a.Username != "admin" || !a.HasSecret ||
			a.SecretKeyID == "" || !a.CreatedAt.Equal(want) || a.CreatedAt.Location() != time.UTC || a.LastProbeAt != nil {
			t.Fatalf("created = %+v (want created_at %v UTC)", a, want)
		}
		b, err := st.CreateInstance(ctx, store.InstanceInput{Name: "Benin", BaseURL: "https://b.example.org", AuthKind: store.AuthToken, Secret: "d2pat_x"})
		must(t, err)
		got, err := st.GetInstance(ctx, a.ID)
		must(t, err)
		if *got != *a {
			t.Fatalf("GetInstance = %+v, want %+v", got, a)
		}
		byName, err := st.GetInstanceByName(ctx, "Benin")
		must(t, err)
		if byName.ID != b.ID {
			t.Fatalf("GetInstanceByName id = %d, want %d", byName.ID, b.ID)
		}
		list, err := st.ListInstances(ctx)
		must(t, err)
		if len(list) != 2 || list[0].Name != "Benin" || list[1].Name != "Senegal" {
			t.Fatalf("ListInstances = %v", list)
		}
	})
	t.Run("name conflict", func(t *testing.T) {
		t.Parallel()
		st := newStore(t, store.WithSealer(newRing(t)))
		_, err := st.CreateInstance(ctx, basicInput("X"))
		must(t, err)
		_, err = st.CreateInstance(ctx, basicInput("X"))
		wantErr(t, err, store.ErrConflict)
		list, _ := st.ListInstances(ctx)
		if len(list) != 1 {
			t.Fatalf("a failed create left %d rows", len(list))
		}
	})
	t.Run("invalid input", func(t *testing.T) {
		t.Parallel()
		st := newStore(t, store.WithSealer(newRing(t)))
		tests := []struct {
			name string
			in   store.InstanceInput
		}{
			{"empty name", store.InstanceInput{BaseURL: "https://x", AuthKind: store.AuthBasic, Username: "a"}},
			{"empty url", store.InstanceInput{Name: "n", AuthKind: store.AuthBasic, Username: "a"}},
			{"bad kind", store.InstanceInput{Name: "n", BaseURL: "https://x", AuthKind: "oauth"}},
			{"basic without user", store.InstanceInput{Name: "n", BaseURL: "https://x", AuthKind: store.AuthBasic}},
			{"token with user", store.InstanceInput{Name: "n", BaseURL: "https://x", AuthKind: store.AuthToken, Username: "a"}},
		}
		for _, tt := range tests {
			_, err := st.CreateInstance(ctx, tt.in)
			if !errors.Is(err, store.ErrInvalidArgument) {
				t.Errorf("%s: err = %v, want ErrInvalidArgument", tt.name, err)
			}
		}
	})
	t.Run("update", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithSealer(newRing(t)), store.WithClock(clock.Now))
		a, err := st.CreateInstance(ctx, basicInput("A"))
		must(t, err)
		_, err = st.CreateInstance(ctx, basicInput("B"))
		must(t, err)
		clock.Advance(time.Hour)
		in := basicInput("A2")
		in.Secret, in.Username = "", "other"
		u, err := st.UpdateInstance(ctx, a.ID, in)
		must(t, err)
		if u.Name != "A2" || u.Username != "other" || !u.UpdatedAt.After(a.UpdatedAt) || !u.CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("updated = %+v", u)
		}
		if pw, err := st.InstanceSecret(ctx, a.ID); err != nil || pw != "district" {
			t.Fatalf("secret after update without secret = %q, %v; want kept", pw, err)
		}
		_, err = st.UpdateInstance(ctx, a.ID, basicInput("B"))
		wantErr(t, err, store.ErrConflict)
		tok := store.InstanceInput{Name: "A2", BaseURL: "https://x", AuthKind: store.AuthToken}
		_, err = st.UpdateInstance(ctx, a.ID, tok)
		wantErr(t, err, store.ErrInvalidArgument)
		tok.Secret = "d2pat_new"
		u, err = st.UpdateInstance(ctx, a.ID, tok)
		must(t, err)
		if pw, err := st.InstanceSecret(ctx, a.ID); err != nil || pw != "d2pat_new" || u.AuthKind != store.AuthToken {
			t.Fatalf("after switch to token: secret %q, %v, kind %s", pw, err, u.AuthKind)
		}
		_, err = st.UpdateInstance(ctx, 9999, basicInput("Z"))
		wantErr(t, err, store.ErrNotFound)
	})
	t.Run("probe and delete", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithSealer(newRing(t)), store.WithClock(clock.Now))
		a, err := st.CreateInstance(ctx, basicInput("A"))
		must(t, err)
		clock.Advance(time.Minute)
		must(t, st.RecordInstanceProbe(ctx, a.ID, "2.40.3", "Africa/Dakar"))
		got, err := st.GetInstance(ctx, a.ID)
		must(t, err)
		if got.DetectedVersion != "2.40.3" || got.ServerTimeZone != "Africa/Dakar" || got.LastProbeAt == nil ||
			!got.LastProbeAt.Equal(us(clock.Now())) {
			t.Fatalf("after probe = %+v", got)
		}
		wantErr(t, st.RecordInstanceProbe(ctx, 999, "2.40", ""), store.ErrNotFound)
		must(t, st.DeleteInstance(ctx, a.ID))
		_, err = st.GetInstance(ctx, a.ID)
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, st.DeleteInstance(ctx, a.ID), store.ErrNotFound)
		_, err = st.GetInstanceByName(ctx, "A")
		wantErr(t, err, store.ErrNotFound)
	})
}

func exerciseInstanceSecrets(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	const canaryPW, canaryPAT = "CANARY-pw-5f2e91", "d2pat_CANARYabcdef0123456789"
	t.Run("sealed at rest", func(t *testing.T) {
		t.Parallel()
		st := newStore(t, store.WithSealer(newRing(t)))
		a, err := st.CreateInstance(ctx, store.InstanceInput{Name: "A", BaseURL: "https://a", AuthKind: store.AuthBasic, Username: "u", Secret: canaryPW})
		must(t, err)
		b, err := st.CreateInstance(ctx, store.InstanceInput{Name: "B", BaseURL: "https://b", AuthKind: store.AuthToken, Secret: canaryPAT})
		must(t, err)
		dump := dumpTable(t, st, "SELECT name, secret, secret_key_id FROM instances")
		for _, c := range []string{canaryPW, canaryPAT, "CANARY"} {
			if strings.Contains(dump, c) {
				t.Fatalf("instances table contains %q in clear:\n%s", c, dump)
			}
		}
		if pw, err := st.InstanceSecret(ctx, a.ID); err != nil || pw != canaryPW {
			t.Fatalf("InstanceSecret(a) = %v", err)
		}
		if tok, err := st.InstanceSecret(ctx, b.ID); err != nil || tok != canaryPAT {
			t.Fatalf("InstanceSecret(b) = %v", err)
		}
	})
	t.Run("row swap and tamper fail with typed errors", func(t *testing.T) {
		t.Parallel()
		st := newStore(t, store.WithSealer(newRing(t)))
		a, err := st.CreateInstance(ctx, basicInput("A"))
		must(t, err)
		b, err := st.CreateInstance(ctx, basicInput("B"))
		must(t, err)
		exec(t, st, "UPDATE instances SET secret = (SELECT secret FROM instances WHERE id = $1) WHERE id = $2", a.ID, b.ID)
		_, err = st.InstanceSecret(ctx, b.ID)
		wantErr(t, err, secret.ErrTampered)
		if _, err := st.InstanceSecret(ctx, a.ID); err != nil {
			t.Fatalf("the untouched row no longer opens: %v", err)
		}
		exec(t, st, "UPDATE instances SET secret = 'v1:abc:garbage' WHERE id = $1", a.ID)
		_, err = st.InstanceSecret(ctx, a.ID)
		wantErr(t, err, secret.ErrMalformed)
		// The rest keeps working (degraded mode): the row can still be read and fixed.
		if _, err := st.GetInstance(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		must(t, st.SetInstanceSecret(ctx, a.ID, "fixed"))
		if pw, err := st.InstanceSecret(ctx, a.ID); err != nil || pw != "fixed" {
			t.Fatalf("after re-entry: %q, %v", pw, err)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		t.Parallel()
		st := newStore(t, store.WithSealer(newRing(t)))
		a, err := st.CreateInstance(ctx, basicInput("A"))
		must(t, err)
		_, err = st.UsingSealer(newRing(t)).InstanceSecret(ctx, a.ID)
		wantErr(t, err, secret.ErrUnknownKey)
	})
	t.Run("no sealer and no secret", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		_, err := st.CreateInstance(ctx, basicInput("A"))
		wantErr(t, err, store.ErrNoSealer)
		in := basicInput("A")
		in.Secret = ""
		a, err := st.CreateInstance(ctx, in)
		must(t, err)
		if a.HasSecret {
			t.Fatal("HasSecret without a secret")
		}
		_, err = st.InstanceSecret(ctx, a.ID)
		wantErr(t, err, store.ErrNoSealer)
		_, err = st.UsingSealer(newRing(t)).InstanceSecret(ctx, a.ID)
		wantErr(t, err, store.ErrNotFound)
		_, err = st.UsingSealer(newRing(t)).InstanceSecret(ctx, 999)
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, st.SetInstanceSecret(ctx, a.ID, ""), store.ErrInvalidArgument)
	})
	t.Run("rotation", func(t *testing.T) {
		t.Parallel()
		oldKey, newKeyV := newKey(t), newKey(t)
		st := newStore(t, store.WithSealer(newRing(t, oldKey)))
		var ids []int64
		for _, n := range []string{"A", "B", "C"} {
			in, err := st.CreateInstance(ctx, basicInput(n))
			must(t, err)
			ids = append(ids, in.ID)
		}
		rotated := st.UsingSealer(newRing(t, newKeyV, oldKey))
		n, err := rotated.RewrapInstanceSecrets(ctx)
		if err != nil || n != 3 {
			t.Fatalf("RewrapInstanceSecrets = %d, %v; want 3", n, err)
		}
		counts, err := rotated.InstanceSecretKeyIDs(ctx)
		must(t, err)
		if len(counts) != 1 || counts[newKeyV.ID()] != 3 {
			t.Fatalf("key ids after rotation = %v, want only %s", counts, newKeyV.ID())
		}
		if n, err := rotated.RewrapInstanceSecrets(ctx); err != nil || n != 0 {
			t.Fatalf("second rotation = %d, %v; want a no-op", n, err)
		}
		onlyNew := st.UsingSealer(newRing(t, newKeyV))
		for _, id := range ids {
			if pw, err := onlyNew.InstanceSecret(ctx, id); err != nil || pw != "district" {
				t.Fatalf("instance %d after dropping the old key: %q, %v", id, pw, err)
			}
		}
	})
}

// dumpTable renders every value a query returns, to grep for canaries.
func dumpTable(t *testing.T, st *store.Store, q string) string {
	t.Helper()
	rows, err := st.DB().QueryContext(context.Background(), q)
	must(t, err)
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		must(t, rows.Scan(ptrs...))
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			b.WriteString(strings.TrimSpace(strings.ReplaceAll(toString(v), "\n", " ")) + "\t")
		}
		b.WriteString("\n")
	}
	must(t, rows.Err())
	return b.String()
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

// exec runs raw SQL, as an attacker or an operator with database access
// would.
func exec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("exec %q: %v", q, err)
	}
}
