package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/store"
)

const testHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo"

func exerciseUsers(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	t.Run("create and find", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		n, err := st.CountActiveAdmins(ctx)
		if err != nil || n != 0 {
			t.Fatalf("CountActiveAdmins on empty = %d, %v", n, err)
		}
		u, err := st.CreateUser(ctx, store.NewUser{Username: " Awa.Diop ", PasswordHash: testHash, Role: store.RoleAdmin})
		must(t, err)
		if u.ID == 0 || u.Username != "Awa.Diop" || u.Locale != "en" || u.Disabled || u.Role != store.RoleAdmin {
			t.Fatalf("created = %+v", u)
		}
		for _, name := range []string{"awa.diop", "AWA.DIOP", "Awa.Diop"} {
			got, err := st.GetUserByUsername(ctx, name)
			if err != nil || got.ID != u.ID {
				t.Fatalf("GetUserByUsername(%q) = %v, %v", name, got, err)
			}
		}
		_, err = st.CreateUser(ctx, store.NewUser{Username: "AWA.diop", PasswordHash: testHash, Role: store.RoleViewer})
		wantErr(t, err, store.ErrConflict)
		_, err = st.CreateUser(ctx, store.NewUser{Username: "bob", PasswordHash: testHash, Role: store.RoleViewer, Locale: "fr"})
		must(t, err)
		list, err := st.ListUsers(ctx)
		must(t, err)
		if len(list) != 2 || list[0].Username != "Awa.Diop" || list[1].Locale != "fr" {
			t.Fatalf("ListUsers = %+v", list)
		}
		_, err = st.GetUserByUsername(ctx, "nobody")
		wantErr(t, err, store.ErrNotFound)
		_, err = st.GetUser(ctx, 9999)
		wantErr(t, err, store.ErrNotFound)
	})
	t.Run("invalid", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for _, n := range []store.NewUser{
			{Username: "", PasswordHash: testHash, Role: store.RoleAdmin},
			{Username: "a", PasswordHash: "", Role: store.RoleAdmin},
			{Username: "a", PasswordHash: testHash, Role: "root"},
		} {
			_, err := st.CreateUser(ctx, n)
			wantErr(t, err, store.ErrInvalidArgument)
		}
	})
	t.Run("update password delete", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithClock(clock.Now))
		u, err := st.CreateUser(ctx, store.NewUser{Username: "op", PasswordHash: testHash, Role: store.RoleAdmin})
		must(t, err)
		clock.Advance(time.Hour)
		must(t, st.UpdateUser(ctx, u.ID, store.UserUpdate{Role: store.RoleOperator, Locale: "fr", Disabled: true}))
		must(t, st.SetUserPassword(ctx, u.ID, strings.Replace(testHash, "aGFz", "bmV3", 1)))
		got, err := st.GetUser(ctx, u.ID)
		must(t, err)
		if got.Role != store.RoleOperator || got.Locale != "fr" || !got.Disabled || got.PasswordHash == testHash ||
			!got.UpdatedAt.Equal(us(clock.Now())) || !got.CreatedAt.Equal(u.CreatedAt) {
			t.Fatalf("updated = %+v", got)
		}
		if n, _ := st.CountActiveAdmins(ctx); n != 0 {
			t.Fatalf("CountActiveAdmins = %d, want 0", n)
		}
		wantErr(t, st.UpdateUser(ctx, u.ID, store.UserUpdate{Role: "god", Locale: "en"}), store.ErrInvalidArgument)
		wantErr(t, st.UpdateUser(ctx, 999, store.UserUpdate{Role: store.RoleViewer, Locale: "en"}), store.ErrNotFound)
		wantErr(t, st.SetUserPassword(ctx, u.ID, ""), store.ErrInvalidArgument)
		wantErr(t, st.SetUserPassword(ctx, 999, testHash), store.ErrNotFound)
		must(t, st.DeleteUser(ctx, u.ID))
		wantErr(t, st.DeleteUser(ctx, u.ID), store.ErrNotFound)
	})
}

func exerciseSessions(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	clock := &Clock{}
	st := newStore(t, store.WithClock(clock.Now))
	ss := st.Sessions()
	const token = "tok-CANARY-session-0123456789abcdef"
	if _, found, err := ss.FindCtx(ctx, token); err != nil || found {
		t.Fatalf("Find unknown = %v, %v", found, err)
	}
	must(t, ss.CommitCtx(ctx, token, []byte("gob\x00data"), clock.Now().Add(30*time.Minute)))
	must(t, ss.Commit("short", []byte{}, clock.Now().Add(time.Minute)))
	b, found, err := ss.Find(token)
	if err != nil || !found || string(b) != "gob\x00data" {
		t.Fatalf("Find = %q, %v, %v", b, found, err)
	}
	if dump := dumpTable(t, st, "SELECT token_hash FROM sessions"); strings.Contains(dump, "CANARY") {
		t.Fatal("session token stored in clear")
	}
	must(t, ss.CommitCtx(ctx, token, []byte("v2"), clock.Now().Add(30*time.Minute)))
	if b, _, _ := ss.FindCtx(ctx, token); string(b) != "v2" {
		t.Fatalf("after re-commit = %q", b)
	}
	clock.Advance(2 * time.Minute)
	if _, found, _ := ss.FindCtx(ctx, "short"); found {
		t.Fatal("expired session found")
	}
	n, err := ss.DeleteExpired(ctx)
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpired = %d, %v; want 1", n, err)
	}
	must(t, ss.DeleteCtx(ctx, token))
	must(t, ss.Delete(token)) // unknown token: no error
	if _, found, _ := ss.FindCtx(ctx, token); found {
		t.Fatal("deleted session found")
	}
}
