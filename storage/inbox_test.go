package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm/clause"
)

// testInbox is the contract of the inbox: each subtest uses its own source
// and keys, and PurgeInbox only cuts below every other subtest's times.
func testInbox(t *testing.T, db *DB, dsn string) {
	t.Run("Duplicates", func(t *testing.T) { testInboxDuplicates(t, db) })
	t.Run("KeysSurviveRestart", func(t *testing.T) { testInboxRestart(t, db, dsn) })
	t.Run("Leases", func(t *testing.T) { testInboxLeases(t, db) })
	t.Run("ConcurrentClaims", func(t *testing.T) { testInboxConcurrentClaims(t, db) })
	t.Run("ConcurrentPuts", func(t *testing.T) { testInboxConcurrentPuts(t, db) })
	t.Run("Purge", func(t *testing.T) { testInboxPurge(t, db) })
	t.Run("Invalid", func(t *testing.T) { testInboxInvalid(t, db) })
	t.Run("Batches", func(t *testing.T) { testInboxBatches(t, db) })
}

// put stores a delivery of source with keys and reports whether it was fresh.
func put(t *testing.T, db *DB, source string, received time.Time, keys ...string) (bot.Delivery, bool) {
	t.Helper()
	d := bot.Delivery{
		Source: source, Tenant: "lark:tk", Keys: keys,
		Payload: []byte("{\"k\":\"" + keys[0] + "\"}\x00\xff"), ReceivedAt: received,
	}
	fresh, err := db.Put(t.Context(), &d)
	if err != nil {
		t.Fatalf("Put %v: %v", keys, err)
	}
	if fresh != (d.ID != 0) {
		t.Fatalf("Put %v: fresh = %v with ID %d", keys, fresh, d.ID)
	}
	return d, fresh
}

func mustPutFresh(t *testing.T, db *DB, source string, received time.Time, keys ...string) bot.Delivery {
	t.Helper()
	d, fresh := put(t, db, source, received, keys...)
	if !fresh {
		t.Fatalf("Put %v: duplicate, want fresh", keys)
	}
	return d
}

func mustPutDuplicate(t *testing.T, db *DB, source string, keys ...string) {
	t.Helper()
	if _, fresh := put(t, db, source, at(1, 9), keys...); fresh {
		t.Fatalf("Put %v: fresh, want duplicate", keys)
	}
}

// inboxRaw reads a delivery's row as stored.
func inboxRaw(t *testing.T, db *DB, id int64) inboxRow {
	t.Helper()
	var r inboxRow
	if err := db.gdb.WithContext(t.Context()).Where("id = ?", id).Take(&r).Error; err != nil {
		t.Fatalf("read inbox row %d: %v", id, err)
	}
	return r
}

func inboxCount(t *testing.T, db *DB, source string) int64 {
	t.Helper()
	var n int64
	if err := db.gdb.WithContext(t.Context()).Model(&inboxRow{}).Where("source = ?", source).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// keyCount counts the stored keys starting with prefix.
func keyCount(t *testing.T, db *DB, prefix string) int64 {
	t.Helper()
	var n int64
	err := db.gdb.WithContext(t.Context()).Model(&inboxKeyRow{}).
		Where(clause.Like{Column: clause.Column{Name: "key"}, Value: prefix + "%"}).Count(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func claim(t *testing.T, db *DB, source, owner string, n int, now time.Time) []bot.Delivery {
	t.Helper()
	ds, err := db.Claim(t.Context(), source, owner, n, now, time.Minute)
	if err != nil {
		t.Fatalf("Claim by %s: %v", owner, err)
	}
	return ds
}

func ids(ds []bot.Delivery) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func testInboxDuplicates(t *testing.T, db *DB) {
	const src = "t-dup"
	// A key repeated inside one delivery is no duplicate.
	first := mustPutFresh(t, db, src, at(1, 9), "dup:ev:1", "dup:msg:1", "dup:ev:1")
	mustPutDuplicate(t, db, src, "dup:ev:1", "dup:msg:1")    // redelivered
	mustPutDuplicate(t, db, src, "dup:ev:1")                 // same event id alone
	mustPutDuplicate(t, db, src, "dup:ev:2", "dup:msg:1")    // new event id, same message
	second := mustPutFresh(t, db, src, at(1, 9), "dup:ev:2") // the rolled-back Put kept no key
	if second.ID <= first.ID {
		t.Errorf("second ID %d ≤ first %d", second.ID, first.ID)
	}
	if n := inboxCount(t, db, src); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
	if n := keyCount(t, db, "dup:"); n != 3 {
		t.Errorf("%d keys, want 3", n)
	}
}

func testInboxRestart(t *testing.T, db *DB, dsn string) {
	const src = "t-restart"
	open := func() *DB {
		t.Helper()
		d, err := Open(t.Context(), dsn, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return d
	}
	before := open()
	stored := mustPutFresh(t, before, src, at(1, 9), "restart:ev:1", "restart:msg:1")
	if err := before.Close(); err != nil {
		t.Fatal(err)
	}
	after := open()
	defer after.Close()
	mustPutDuplicate(t, after, src, "restart:ev:2", "restart:msg:1")
	got := claim(t, after, src, "w", 10, at(2, 9))
	if len(got) != 1 || got[0].ID != stored.ID || string(got[0].Payload) != string(stored.Payload) {
		t.Fatalf("claimed after restart: %+v, want delivery %d", got, stored.ID)
	}
}

func testInboxLeases(t *testing.T, db *DB) {
	const src = "t-lease"
	older := mustPutFresh(t, db, src, at(1, 9), "lease:1")
	newer := mustPutFresh(t, db, src, at(1, 8), "lease:2") // received earlier, stored later
	mustPutFresh(t, db, "t-lease-other", at(1, 7), "lease:other")
	now := at(2, 9)

	got := claim(t, db, src, "w1", 10, now)
	older.Attempts, newer.Attempts = 1, 1
	older.Keys, newer.Keys = nil, nil
	if diff := cmp.Diff([]bot.Delivery{older, newer}, got, msEqual); diff != "" {
		t.Fatalf("first Claim (-want +got):\n%s", diff)
	}
	for _, tick := range []time.Duration{0, 30 * time.Second, time.Minute} {
		if got := claim(t, db, src, "w2", 10, now.Add(tick)); len(got) != 0 {
			t.Fatalf("Claim %v into a 1m lease = %v, want none", tick, ids(got))
		}
	}
	got = claim(t, db, src, "w2", 1, now.Add(time.Minute+time.Millisecond))
	if len(got) != 1 || got[0].ID != older.ID || got[0].Attempts != 2 {
		t.Fatalf("Claim after the lease = %+v, want delivery %d, attempt 2", got, older.ID)
	}

	err := db.Finish(t.Context(), older.ID, "w1")
	if !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("Finish by the former owner: %v, want ErrLeaseLost", err)
	}
	if r := inboxRaw(t, db, older.ID); r.Status != inboxPending || r.LeaseOwner == nil || *r.LeaseOwner != "w2" ||
		string(r.Payload) != string(older.Payload) || r.DoneAt != nil {
		t.Fatalf("row after a lost Finish: %+v", r)
	}
	if err := db.Finish(t.Context(), older.ID, "w2"); err != nil {
		t.Fatalf("Finish by the owner: %v", err)
	}
	r := inboxRaw(t, db, older.ID)
	if r.Status != inboxDone || r.Payload != nil || r.LeaseOwner != nil || r.LeaseUntil != nil || r.DoneAt == nil || r.Attempts != 2 {
		t.Fatalf("row after Finish: %+v; want done, no payload, no lease", r)
	}
	if err := db.Finish(t.Context(), older.ID, "w2"); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("second Finish: %v, want ErrLeaseLost", err)
	}

	// Only the other delivery is claimable now; w1's lease on it ran out.
	got = claim(t, db, src, "w3", 10, now.Add(time.Hour))
	if len(got) != 1 || got[0].ID != newer.ID || got[0].Attempts != 2 {
		t.Fatalf("Claim later = %+v, want delivery %d, attempt 2", got, newer.ID)
	}
	if err := db.Finish(t.Context(), newer.ID, "w1"); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("Finish by w1 after w3 claimed: %v, want ErrLeaseLost", err)
	}
}

func testInboxConcurrentClaims(t *testing.T, db *DB) {
	const src, total = "t-claim-race", 200
	for i := range total {
		mustPutFresh(t, db, src, at(1, 9), fmt.Sprintf("race:%d", i))
	}
	now := at(2, 9)
	claimed := make([][]bot.Delivery, 2)
	errs := make([]error, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range claimed {
		wg.Go(func() {
			<-start
			for {
				ds, err := db.Claim(t.Context(), src, fmt.Sprintf("w%d", w), 10, now, time.Hour)
				if err != nil || len(ds) == 0 {
					errs[w] = err
					return
				}
				claimed[w] = append(claimed[w], ds...)
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	seen := make(map[int64]int)
	for _, ds := range claimed {
		for _, d := range ds {
			seen[d.ID]++
			if d.Attempts != 1 {
				t.Errorf("delivery %d claimed at attempt %d", d.ID, d.Attempts)
			}
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("delivery %d claimed %d times", id, n)
		}
	}
	if len(seen) != total {
		t.Errorf("%d deliveries claimed, want %d", len(seen), total)
	}
	t.Logf("claimers took %d and %d", len(claimed[0]), len(claimed[1]))
	if left := claim(t, db, src, "w", 10, now); len(left) != 0 {
		t.Errorf("left to claim: %v", ids(left))
	}
}

func testInboxConcurrentPuts(t *testing.T, db *DB) {
	const src, racers = "t-put-race", 8
	fresh := make([]bool, racers)
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			d := bot.Delivery{Source: src, Keys: []string{"putrace:ev", fmt.Sprintf("putrace:msg:%d", i)}, ReceivedAt: at(1, 9)}
			fresh[i], errs[i] = db.Put(context.WithoutCancel(t.Context()), &d)
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fresh {
		if f {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d of %d concurrent Puts fresh, want 1", n, racers)
	}
	if rows, keys := inboxCount(t, db, src), keyCount(t, db, "putrace:"); rows != 1 || keys != 2 {
		t.Errorf("%d rows and %d keys, want 1 and 2", rows, keys)
	}
}

func testInboxPurge(t *testing.T, db *DB) {
	const src = "t-purge"
	day := func(m time.Month, d int) time.Time { return time.Date(2020, m, d, 9, 0, 0, 0, time.UTC) }
	oldDone := mustPutFresh(t, db, src, day(1, 1), "purge:old-done")
	oldPending := mustPutFresh(t, db, src, day(1, 2), "purge:old-pending")
	newDone := mustPutFresh(t, db, src, day(3, 1), "purge:new-done")
	if got := claim(t, db, src, "w", 10, day(3, 2)); len(got) != 3 {
		t.Fatalf("claimed %v, want 3", ids(got))
	}
	for _, id := range []int64{oldDone.ID, newDone.ID} {
		if err := db.Finish(t.Context(), id, "w"); err != nil {
			t.Fatal(err)
		}
	}

	n, err := db.PurgeInbox(t.Context(), day(2, 1))
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("PurgeInbox deleted %d deliveries, want 1", n)
	}
	var left []int64
	if err := db.gdb.WithContext(t.Context()).Model(&inboxRow{}).Where("source = ?", src).Order("id").Pluck("id", &left).Error; err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{oldPending.ID, newDone.ID}, left); diff != "" {
		t.Errorf("rows left (-want +got):\n%s", diff)
	}
	if n := keyCount(t, db, "purge:old-done"); n != 0 {
		t.Errorf("the old done key is still stored")
	}
	mustPutDuplicate(t, db, src, "purge:old-pending") // a pending delivery keeps its keys
	mustPutDuplicate(t, db, src, "purge:new-done")    // newer than the cutoff
	mustPutFresh(t, db, src, day(3, 3), "purge:old-done")

	if _, err := db.PurgeInbox(t.Context(), time.Time{}); err == nil {
		t.Error("PurgeInbox(zero time) succeeded")
	}
}

func testInboxInvalid(t *testing.T, db *DB) {
	for name, d := range map[string]bot.Delivery{
		"no keys":     {Source: "t-invalid"},
		"empty key":   {Source: "t-invalid", Keys: []string{"invalid:1", ""}},
		"long key":    {Source: "t-invalid", Keys: []string{strings.Repeat("k", maxInboxKey+1)}},
		"no source":   {Keys: []string{"invalid:2"}},
		"long source": {Source: strings.Repeat("s", 33), Keys: []string{"invalid:3"}},
	} {
		if fresh, err := db.Put(t.Context(), &d); err == nil || fresh {
			t.Errorf("Put with %s = %v, %v; want an error", name, fresh, err)
		}
	}
	if n := inboxCount(t, db, "t-invalid"); n != 0 {
		t.Errorf("%d rows stored by invalid Puts", n)
	}
	longest := strings.Repeat("键", maxInboxKey) // characters, not bytes
	mustPutFresh(t, db, "t-invalid", at(1, 9), longest)
	mustPutDuplicate(t, db, "t-invalid", longest)
	for _, n := range []int{0, -1} {
		if _, err := db.Claim(t.Context(), "t-invalid", "w", n, at(2, 9), time.Minute); err == nil {
			t.Errorf("Claim of %d succeeded", n)
		}
	}
	if _, err := db.Claim(t.Context(), "t-invalid", "", 1, at(2, 9), time.Minute); err == nil {
		t.Error("Claim without an owner succeeded")
	}
}
