package storage

import (
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestReader: on a SQLite file, Reader has a connection of its own that
// sees what the store committed, reads while the store's one connection
// is inside a transaction (the planner reads the next page while it writes
// the last), and refuses to write; on an in-memory database it is the
// store itself.
func TestReader(t *testing.T) {
	ctx := t.Context()
	db := openReminderDB(t, storagetest.SQLite(t))
	r := db.Reader()
	if r == db {
		t.Fatal("Reader of a SQLite file is the store itself; want a connection of its own")
	}
	p := bot.Person{Tenant: "t1", ID: "u1", Name: "张三", TZ: "Asia/Shanghai", UpdatedAt: time.Now()}
	if err := db.SavePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	read := make(chan error, 1)
	err := db.InTx(ctx, func(tx bot.Store) error {
		if err := tx.SavePerson(ctx, bot.Person{Tenant: "t1", ID: "u2", Name: "李四", UpdatedAt: time.Now()}); err != nil {
			return err
		}
		// The store's one connection is in this transaction: a read
		// through the store would wait for it; the reader does not.
		go func() {
			got, err := r.PeopleByID(ctx, "t1", []string{"u1", "u2"})
			if err == nil && (len(got) != 1 || got[0].Name != "张三") {
				t.Errorf("reader inside the writer's transaction read %+v, want only the committed 张三", got)
			}
			read <- err
		}()
		select {
		case err := <-read:
			return err
		case <-time.After(5 * time.Second):
			t.Error("the reader waited for the writer's transaction")
			return nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.PeopleByID(ctx, "t1", []string{"u2"}); err != nil || len(got) != 1 {
		t.Fatalf("reader after the commit read %+v, %v; want 李四", got, err)
	}
	if err := r.SavePerson(ctx, bot.Person{Tenant: "t1", ID: "u3", UpdatedAt: time.Now()}); err == nil {
		t.Fatal("a write through the reader succeeded; want it refused")
	}
	if _, err := db.Person(ctx, "t1", "u3"); err == nil {
		t.Fatal("the reader's write is stored")
	}
	mem := openReminderDB(t, "sqlite://:memory:")
	if mem.Reader() != mem {
		t.Fatal("Reader of an in-memory database is another connection, which would see another, empty database")
	}
}
