package scheduler_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
	"github.com/pipbot/pipbot/storage/storagetest"
)

func openSQLite(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(t.Context(), storagetest.SQLite(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

// A failed or hung send leaves the reminder pending until its lease runs
// out, then it is tried again; after MaxAttempts failures it is missed.
func TestFailedSendsRetriedThenMissed(t *testing.T) {
	db := openSQLite(t)
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := &stepClock{t: t0}
	rs := dueReminders(3, t0) // plan:1 hangs once, plan:2 fails once, plan:3 always fails
	mustUpsert(t, db, rs)
	var hung, failed atomic.Int32
	p := newFakePlatform()
	p.before = func(ctx context.Context, r bot.Reminder) error {
		switch {
		case r.Subject == "plan:1" && hung.Add(1) == 1:
			<-ctx.Done() // the send timeout ends it
			return ctx.Err()
		case r.Subject == "plan:2" && failed.Add(1) == 1, r.Subject == "plan:3":
			return errors.New("platform says 500")
		}
		return nil
	}
	m := scheduler.NewMetrics()
	d := newDispatcher(t, scheduler.DispatcherOptions{
		Store: db, Notifier: p, Owner: "a", Lease: time.Minute, SendTimeout: 50 * time.Millisecond,
		MaxAttempts: 3, Now: clock.Now, Metrics: m,
	})
	for i, want := range []struct{ sent, missed int }{{0, 0}, {2, 0}, {0, 1}} {
		clock.Set(t0.Add(time.Duration(i) * (time.Minute + time.Second)))
		sent, missed, err := d.RunOnce(t.Context())
		if err != nil || sent != want.sent || missed != want.missed {
			t.Fatalf("run %d: sent %d, missed %d, %v; want %+v", i+1, sent, missed, err, want)
		}
	}
	if keys, resent := p.counts(t); keys != 2 || resent != 0 {
		t.Errorf("%d keys delivered, %d twice; want 2, 0", keys, resent)
	}
	got := m.Snapshot()
	if got.Failed[bot.RemindWeekly] != 5 || got.Missed[bot.RemindWeekly] != 1 || got.Sent[bot.RemindWeekly] != 2 {
		t.Errorf("metrics %+v; want 5 failures, 1 missed, 2 sent", got)
	}
	if n := countStatus(t, db, bot.ReminderMissed); n != 1 {
		t.Errorf("%d missed, want 1", n)
	}
}

// A reminder whose attempts were all spent by dispatchers that died holding
// it is marked missed without another send.
func TestSpentAttemptsMissed(t *testing.T) {
	db := openSQLite(t)
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	mustUpsert(t, db, dueReminders(1, t0))
	for i := range 2 {
		if _, err := db.ClaimDue(t.Context(), "dead", t0.Add(time.Duration(i)*time.Hour), 1, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	p := newFakePlatform()
	d := newDispatcher(t, scheduler.DispatcherOptions{Store: db, Notifier: p, Owner: "a", MaxAttempts: 2, Now: func() time.Time { return t0.Add(2 * time.Hour) }})
	if sent, missed, err := d.RunOnce(t.Context()); err != nil || sent != 0 || missed != 1 {
		t.Fatalf("sent %d, missed %d, %v; want 0, 1", sent, missed, err)
	}
	if keys, _ := p.counts(t); keys != 0 {
		t.Errorf("%d sends, want none", keys)
	}
}

// One dispatcher never has more than Parallel sends in flight.
func TestParallelSendsBounded(t *testing.T) {
	db := openSQLite(t)
	mustUpsert(t, db, dueReminders(60, time.Now().Add(-time.Minute)))
	var now, peak atomic.Int32
	p := newFakePlatform()
	p.before = func(context.Context, bot.Reminder) error {
		n := now.Add(1)
		defer now.Add(-1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		return nil
	}
	d := newDispatcher(t, scheduler.DispatcherOptions{Store: db, Notifier: p, Owner: "a", Parallel: 4, Batch: 25})
	if sent, _, err := d.RunOnce(t.Context()); err != nil || sent != 60 {
		t.Fatalf("sent %d, %v; want 60", sent, err)
	}
	if got := peak.Load(); got > 4 || got < 2 {
		t.Errorf("peak of %d sends in flight, want 2 to 4", got)
	}
}

func TestNewDispatcherNeedsStoreNotifierOwner(t *testing.T) {
	db := openSQLite(t)
	for name, o := range map[string]scheduler.DispatcherOptions{
		"no store":    {Notifier: newFakePlatform(), Owner: "a"},
		"no notifier": {Store: db, Owner: "a"},
		"no owner":    {Store: db, Notifier: newFakePlatform()},
		"slow sends":  {Store: db, Notifier: newFakePlatform(), Owner: "a", Lease: time.Minute, SendTimeout: time.Minute},
	} {
		if _, err := scheduler.NewDispatcher(o); err == nil {
			t.Errorf("NewDispatcher with %s succeeded", name)
		}
	}
}

// A Notifier that finds a reminder overtaken cancels it and returns
// ErrSkipped: neither sent, missed nor failed, and not retried.
func TestSkippedReminderNotRetried(t *testing.T) {
	db := openSQLite(t)
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	mustUpsert(t, db, dueReminders(2, t0))
	p := newFakePlatform()
	p.before = func(ctx context.Context, r bot.Reminder) error {
		if r.Subject != "plan:1" {
			return nil
		}
		if err := db.CancelReminder(ctx, r.Tenant, r.ID); err != nil {
			return err
		}
		return scheduler.ErrSkipped
	}
	m := scheduler.NewMetrics()
	clock := &stepClock{t: t0}
	d := newDispatcher(t, scheduler.DispatcherOptions{Store: db, Notifier: p, Owner: "a", Lease: time.Minute, Now: clock.Now, Metrics: m})
	for i, want := range []int{1, 0} {
		clock.Set(t0.Add(time.Duration(i) * time.Hour))
		if sent, missed, err := d.RunOnce(t.Context()); err != nil || sent != want || missed != 0 {
			t.Fatalf("run %d: sent %d, missed %d, %v; want %d, 0", i+1, sent, missed, err, want)
		}
	}
	if s := m.Snapshot(); s.Skipped[bot.RemindWeekly] != 1 || len(s.Failed) != 0 || s.LeaseLost != 0 {
		t.Errorf("metrics %+v", s)
	}
	if n := countStatus(t, db, bot.ReminderCancelled); n != 1 {
		t.Errorf("%d cancelled, want 1", n)
	}
}

// A reminder queued behind slow sends is not started when its lease has
// less than a send's time left: the next claim takes it, and nobody sends
// it twice.
func TestLeaseTooShortNotStarted(t *testing.T) {
	db := openSQLite(t)
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := &stepClock{t: t0}
	mustUpsert(t, db, dueReminders(3, t0))
	p := newFakePlatform()
	p.before = func(context.Context, bot.Reminder) error {
		clock.Set(clock.Now().Add(25 * time.Second)) // a slow platform
		return nil
	}
	d := newDispatcher(t, scheduler.DispatcherOptions{Store: db, Notifier: p, Owner: "a", Batch: 3, Parallel: 1,
		Lease: time.Minute, SendTimeout: 20 * time.Second, Now: clock.Now})
	if sent, _, err := d.RunOnce(t.Context()); err != nil || sent != 2 {
		t.Fatalf("first run sent %d, %v; want 2 inside the lease", sent, err)
	}
	clock.Set(t0.Add(time.Minute + time.Second))
	if sent, _, err := d.RunOnce(t.Context()); err != nil || sent != 1 {
		t.Fatalf("second run sent %d, %v; want the one left", sent, err)
	}
	if keys, resent := p.counts(t); keys != 3 || resent != 0 {
		t.Errorf("%d keys, %d resent; want 3, 0", keys, resent)
	}
}
