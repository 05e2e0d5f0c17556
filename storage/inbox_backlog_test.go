package storage

import (
	"testing"
	"time"

	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestInboxBacklog: the backlog counts pending deliveries of every source
// and dates the oldest; handled ones drop out, and an empty inbox has no
// oldest.
func TestInboxBacklog(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openTestDB(t, dsn)
		backlog := func() InboxBacklog {
			t.Helper()
			b, err := db.InboxBacklog(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if b := backlog(); b.Pending != 0 || !b.Oldest.IsZero() {
			t.Fatalf("empty inbox: %+v", b)
		}
		first := mustPutFresh(t, db, "backlog-a", at(3, 9), "backlog-1")
		mustPutFresh(t, db, "backlog-b", at(3, 10), "backlog-2")
		if b := backlog(); b.Pending != 2 || !b.Oldest.Equal(normTime(at(3, 9))) {
			t.Fatalf("two pending: %+v, want 2 from %v", b, at(3, 9))
		}
		claimed := claim(t, db, "backlog-a", "w1", 1, time.Now())
		if len(claimed) != 1 || claimed[0].ID != first.ID {
			t.Fatalf("claimed %+v", claimed)
		}
		if err := db.Finish(t.Context(), first.ID, "w1"); err != nil {
			t.Fatal(err)
		}
		if b := backlog(); b.Pending != 1 || !b.Oldest.Equal(normTime(at(3, 10))) {
			t.Fatalf("after the oldest was handled: %+v, want 1 from %v", b, at(3, 10))
		}
	})
}
