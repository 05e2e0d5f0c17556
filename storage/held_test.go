package storage

import (
	"errors"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestHeldTx, on every database: once a held transaction is begun, every
// call of the store made with its context runs in it (it reads its own
// uncommitted writes, and on SQLite does not wait for the connection the
// transaction holds), InTx inside it joins it, and other contexts do not
// see its writes until Commit; Rollback leaves nothing; after either the
// context's calls go to the pool again.
func TestHeldTx(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openReminderDB(t, dsn)
		base := t.Context()
		person := func(id string) bot.Person {
			return bot.Person{Tenant: "t1", ID: id, Name: id, UpdatedAt: time.Now()}
		}
		known := func(id string) bool {
			_, err := db.Person(base, "t1", id)
			if err != nil && !errors.Is(err, bot.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}

		ctx, h := db.Hold(base)
		tx, err := h.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.SavePerson(ctx, person("u1")); err != nil {
			t.Fatal(err)
		}
		// The store itself, called with the held context, runs in it.
		if _, err := db.Person(ctx, "t1", "u1"); err != nil {
			t.Fatalf("the store with the held context does not read the transaction's write: %v", err)
		}
		if err := db.InTx(ctx, func(tx bot.Store) error { return tx.SavePerson(ctx, person("u2")) }); err != nil {
			t.Fatal(err)
		}
		if db.Kind() != KindSQLite && (known("u1") || known("u2")) {
			// (On SQLite another context would wait for the one
			// connection, which is the point of the held context.)
			t.Fatal("another context sees the held transaction's writes before its commit")
		}
		if err := h.Commit(); err != nil {
			t.Fatal(err)
		}
		if !known("u1") || !known("u2") {
			t.Fatalf("after the commit: u1 %v, u2 %v; want both stored", known("u1"), known("u2"))
		}

		ctx, h = db.Hold(base)
		if tx, err = h.Begin(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.SavePerson(ctx, person("u3")); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePerson(ctx, person("u4")); err != nil {
			t.Fatal(err)
		}
		h.Rollback()
		if known("u3") || known("u4") {
			t.Fatal("a rolled back held transaction left writes behind")
		}
		// The slot is empty again: the held context uses the pool.
		if err := db.SavePerson(ctx, person("u5")); err != nil || !known("u5") {
			t.Fatalf("a write with the context of a finished hold: %v, stored %v", err, known("u5"))
		}
		if err := h.Commit(); err != nil {
			t.Fatalf("Commit with nothing open: %v", err)
		}
	})
}
