package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm"
)

// testInboxBatches is the group commit's contract, run on every database
// by testInbox.
func testInboxBatches(t *testing.T, db *DB) {
	t.Run("OneTransaction", func(t *testing.T) { testBatchOneTransaction(t, db) })
	t.Run("DuplicatesInOneBatch", func(t *testing.T) { testBatchDuplicates(t, db) })
	t.Run("FailedBatch", func(t *testing.T) { testBatchFails(t, db) })
	t.Run("LeasedPut", func(t *testing.T) { testPutLeased(t, db) })
}

// wideWindow makes the next batches wait long enough for every racer of a
// test to join, so that they share one transaction.
func wideWindow(t *testing.T, db *DB) {
	t.Helper()
	db.batch.window.Store(int64(300 * time.Millisecond))
	t.Cleanup(func() { db.batch.window.Store(int64(putWindow)) })
}

// putAll runs the Puts of ds at once and returns who was fresh and the errors.
func putAll(t *testing.T, db *DB, ds []*bot.Delivery) ([]bool, []error) {
	t.Helper()
	fresh, errs := make([]bool, len(ds)), make([]error, len(ds))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Go(func() {
			<-start
			fresh[i], errs[i] = db.Put(context.WithoutCancel(t.Context()), d)
		})
	}
	close(start)
	wg.Wait()
	return fresh, errs
}

// countCreates counts the insert statements into table while the test runs.
func countCreates(t *testing.T, db *DB, table string) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	name := "test:count:" + t.Name()
	if err := db.gdb.Callback().Create().Before("gorm:create").Register(name, func(tx *gorm.DB) {
		if tx.Statement.Table == table {
			n.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.gdb.Callback().Create().Remove(name) })
	return &n
}

func testBatchOneTransaction(t *testing.T, db *DB) {
	wideWindow(t, db)
	inserts := countCreates(t, db, "inbox")
	var ds []*bot.Delivery
	for i := range 16 {
		ds = append(ds, &bot.Delivery{Source: "t-batch", Tenant: "slack:T1", ReceivedAt: at(1, 9),
			Payload: []byte(fmt.Sprintf("payload %d", i)), Keys: []string{fmt.Sprintf("batch:ev:%d", i)}})
	}
	fresh, errs := putAll(t, db, ds)
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for i, d := range ds {
		if !fresh[i] || d.ID == 0 || seen[d.ID] {
			t.Fatalf("Put %d: fresh %v, id %d (ids so far %v)", i, fresh[i], d.ID, seen)
		}
		seen[d.ID] = true
		// Each caller's id is its own row: the batch handed ids out right.
		if got := inboxRaw(t, db, d.ID); string(got.Payload) != string(d.Payload) {
			t.Errorf("Put %d got id %d, whose payload is %q", i, d.ID, got.Payload)
		}
	}
	// One batch per committer at most (SQLite has one, servers two).
	if n := inserts.Load(); n < 1 || n > int64(db.batch.committers) {
		t.Errorf("16 concurrent Puts made %d inserts into inbox, want 1 to %d", n, db.batch.committers)
	}
}

func testBatchDuplicates(t *testing.T, db *DB) {
	wideWindow(t, db)
	// Eight deliveries of one event under new event ids (same message),
	// and four others; all in one batch.
	var ds []*bot.Delivery
	for i := range 8 {
		ds = append(ds, &bot.Delivery{Source: "t-batchdup", ReceivedAt: at(1, 9),
			Keys: []string{fmt.Sprintf("batchdup:ev:%d", i), "batchdup:msg:same"}})
	}
	for i := range 4 {
		ds = append(ds, &bot.Delivery{Source: "t-batchdup", ReceivedAt: at(1, 9),
			Keys: []string{fmt.Sprintf("batchdup:other:%d", i)}})
	}
	fresh, errs := putAll(t, db, ds)
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	n, winner := 0, -1
	for i := range 8 {
		if fresh[i] {
			n, winner = n+1, i
		}
		if !fresh[i] && ds[i].ID != 0 {
			t.Errorf("duplicate %d was given id %d", i, ds[i].ID)
		}
	}
	if n != 1 {
		t.Fatalf("%d of 8 Puts sharing a key were fresh, want exactly 1", n)
	}
	for i := 8; i < 12; i++ {
		if !fresh[i] {
			t.Errorf("Put %d with keys of its own was a duplicate", i)
		}
	}
	if rows := inboxCount(t, db, "t-batchdup"); rows != 5 {
		t.Errorf("%d rows stored, want 5", rows)
	}
	// Only the fresh one's keys were stored: a losing event id is free.
	if keys := keyCount(t, db, "batchdup:ev:"); keys != 1 {
		t.Errorf("%d event-id keys stored, want 1 (the fresh Put's)", keys)
	}
	loser := (winner + 1) % 8
	mustPutFresh(t, db, "t-batchdup", at(1, 9), fmt.Sprintf("batchdup:ev:%d", loser))
}

func testBatchFails(t *testing.T, db *DB) {
	wideWindow(t, db)
	// The keys' insert fails after the rows' went in: nothing may stay.
	var failing atomic.Bool
	failing.Store(true)
	name := "test:fail:" + t.Name()
	if err := db.gdb.Callback().Create().Before("gorm:create").Register(name, func(tx *gorm.DB) {
		if tx.Statement.Table == "inbox_keys" && failing.Load() {
			_ = tx.AddError(errors.New("injected failure"))
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.gdb.Callback().Create().Remove(name) })
	var ds []*bot.Delivery
	for i := range 8 {
		ds = append(ds, &bot.Delivery{Source: "t-batchfail", ReceivedAt: at(1, 9), Keys: []string{fmt.Sprintf("batchfail:%d", i)}})
	}
	fresh, errs := putAll(t, db, ds)
	for i := range ds {
		if errs[i] == nil || fresh[i] || ds[i].ID != 0 {
			t.Errorf("Put %d in a failed batch: fresh %v, id %d, err %v; want an error", i, fresh[i], ds[i].ID, errs[i])
		}
	}
	if rows, keys := inboxCount(t, db, "t-batchfail"), keyCount(t, db, "batchfail:"); rows != 0 || keys != 0 {
		t.Errorf("a failed batch left %d rows and %d keys", rows, keys)
	}
	failing.Store(false)
	fresh, errs = putAll(t, db, ds)
	for i := range ds {
		if errs[i] != nil || !fresh[i] {
			t.Errorf("Put %d again: fresh %v, err %v", i, fresh[i], errs[i])
		}
	}
}

func testPutLeased(t *testing.T, db *DB) {
	const src = "t-leased"
	d := bot.Delivery{Source: src, ReceivedAt: at(1, 9), Keys: []string{"leased:1"}}
	until := at(2, 9).Add(time.Minute)
	if fresh, err := db.PutLeased(t.Context(), &d, "w1", until); err != nil || !fresh {
		t.Fatalf("PutLeased: %v, %v", fresh, err)
	}
	if got := claim(t, db, src, "w2", 10, at(2, 9)); len(got) != 0 {
		t.Fatalf("claimed a leased delivery: %v", ids(got))
	}
	if r := inboxRaw(t, db, d.ID); r.Attempts != 1 || r.LeaseOwner == nil || *r.LeaseOwner != "w1" {
		t.Errorf("leased row %+v", r)
	}
	if got := claim(t, db, src, "w2", 10, until.Add(time.Millisecond)); len(got) != 1 || got[0].Attempts != 2 {
		t.Fatalf("after the lease: %+v, want the delivery at attempt 2", got)
	}
	if err := db.Finish(t.Context(), d.ID, "w1"); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("Finish by the first owner after a claim: %v", err)
	}
}
