package scheduler_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// Two dispatchers, as on two replicas, drain one due set of 5,000
// reminders at once: each is notified exactly once and marked sent.
func TestTwoDispatchersExactlyOnce(t *testing.T) {
	const total = 5000
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		mustUpsert(t, db, dueReminders(total, time.Now().Add(-time.Minute)))
		p := newFakePlatform()
		m := scheduler.NewMetrics()
		start := time.Now()
		got := make([]int, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, owner := range []string{"replica-a", "replica-b"} {
			d := newDispatcher(t, scheduler.DispatcherOptions{Store: db, Notifier: p, Owner: owner, Metrics: m})
			wg.Go(func() {
				for {
					sent, missed, err := d.RunOnce(t.Context())
					got[i] += sent + missed
					if err != nil || sent+missed == 0 {
						errs[i] = err
						return
					}
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d reminders in %v, split %d/%d", db.Kind(), total, time.Since(start).Round(time.Millisecond), got[0], got[1])
		keys, resent := p.counts(t)
		if keys != total || resent != 0 {
			t.Errorf("%d keys notified, %d more than once; want %d, 0", keys, resent, total)
		}
		if n := countStatus(t, db, bot.ReminderSent); n != total || got[0]+got[1] != total {
			t.Errorf("%d marked sent, dispatchers report %d; want %d", n, got[0]+got[1], total)
		}
		if s := m.Snapshot(); s.Sent[bot.RemindWeekly] != total || s.LeaseLost != 0 || s.Overdue != 0 {
			t.Errorf("metrics: %+v", s)
		}
	})
}

// A dispatcher killed between claim and send (8 messages out but not
// marked, the rest of its batch returned as it stopped, and a batch claimed
// by another and abandoned), then restarted: what was returned or never
// claimed goes at once, the rest when the leases run out; everything is
// sent, each message seen once.
func TestKilledDispatcherRestarted(t *testing.T) {
	const total, lease = 200, time.Minute
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		clock := &stepClock{t: t0}
		mustUpsert(t, db, dueReminders(total, t0.Add(-time.Minute)))
		if rs, err := db.ClaimDue(t.Context(), "ghost", t0, 50, lease); err != nil || len(rs) != 50 {
			t.Fatalf("ghost claim: %d, %v", len(rs), err) // claimed and abandoned
		}
		p := newFakePlatform()
		out := make(chan struct{}, total)
		p.after = func(ctx context.Context, _ bot.Reminder) error {
			out <- struct{}{} // the message is out; the process dies before marking it
			<-ctx.Done()
			return ctx.Err()
		}
		opts := scheduler.DispatcherOptions{Store: db, Notifier: p, Owner: "host-1", Batch: 50, Lease: lease, Parallel: 8, Now: clock.Now}
		ctx, kill := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { _, _, err := newDispatcher(t, opts).RunOnce(ctx); done <- err }()
		for range 8 {
			<-out
		}
		kill()
		if err := <-done; err != nil {
			t.Fatalf("killed run: %v", err)
		}
		if n := countStatus(t, db, bot.ReminderSent); n != 0 {
			t.Fatalf("%d marked sent by the killed run", n)
		}

		p.after = nil
		restarted := newDispatcher(t, opts) // same owner name after the restart
		clock.Set(t0.Add(lease / 2))
		if sent, _, err := restarted.RunOnce(t.Context()); err != nil || sent != total-58 {
			t.Fatalf("run inside the leases: sent %d, %v; want the %d never claimed or returned", sent, err, total-58)
		}
		clock.Set(t0.Add(lease + time.Second))
		if sent, _, err := restarted.RunOnce(t.Context()); err != nil || sent != 58 {
			t.Fatalf("run after the leases: sent %d, %v; want the 50 abandoned and 8 interrupted", sent, err)
		}
		keys, resent := p.counts(t)
		if keys != total || resent != 8 {
			t.Errorf("%d keys notified, %d twice; want %d, and 8 resends absorbed by the platform", keys, resent, total)
		}
		rs, err := db.ListReminders(t.Context(), "t1", scheduler.ReminderFilter{Status: bot.ReminderSent})
		retried := 0
		for _, r := range rs {
			retried += r.Attempts - 1 // a returned lease is no attempt
		}
		if err != nil || len(rs) != total || retried != 58 {
			t.Errorf("%d marked sent (%v) with %d retries; want %d and 58", len(rs), err, retried, total)
		}
	})
}

// A dispatcher paused (GC, a stalled VM) after the platform took its
// message loses its lease to another, which sends and marks; the first
// cannot mark it any more, and people saw one message.
func TestPausedDispatcherFenced(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		clock := &stepClock{t: t0}
		mustUpsert(t, db, dueReminders(1, t0))
		p := newFakePlatform()
		paused, resume := make(chan struct{}), make(chan struct{})
		var pauses atomic.Int32
		p.after = func(context.Context, bot.Reminder) error {
			if pauses.Add(1) == 1 {
				close(paused)
				<-resume
			}
			return nil
		}
		ma, mb := scheduler.NewMetrics(), scheduler.NewMetrics()
		opts := scheduler.DispatcherOptions{Store: db, Notifier: p, Owner: "a", Lease: time.Minute, Now: clock.Now, Metrics: ma}
		type result struct{ sent, missed int }
		done := make(chan result)
		go func() {
			sent, missed, err := newDispatcher(t, opts).RunOnce(t.Context())
			if err != nil {
				t.Errorf("paused dispatcher: %v", err)
			}
			done <- result{sent, missed}
		}()
		<-paused
		clock.Set(t0.Add(time.Minute + time.Second))
		opts.Owner, opts.Metrics = "b", mb
		if sent, _, err := newDispatcher(t, opts).RunOnce(t.Context()); err != nil || sent != 1 {
			t.Fatalf("second dispatcher: sent %d, %v; want 1", sent, err)
		}
		close(resume)
		if r := <-done; r != (result{}) {
			t.Errorf("paused dispatcher marked %+v, want nothing", r)
		}
		if keys, resent := p.counts(t); keys != 1 || resent != 1 {
			t.Errorf("%d keys, %d resent; want 1 and 1", keys, resent)
		}
		rs, err := db.ListReminders(t.Context(), "t1", scheduler.ReminderFilter{})
		if err != nil || len(rs) != 1 || rs[0].Status != bot.ReminderSent || rs[0].LeaseOwner != "b" || rs[0].MessageID != "om_1" {
			t.Fatalf("row: %+v, %v; want sent by b as om_1", rs, err)
		}
		if a, b := ma.Snapshot(), mb.Snapshot(); a.LeaseLost != 1 || a.Sent[bot.RemindWeekly] != 0 || b.Sent[bot.RemindWeekly] != 1 {
			t.Errorf("metrics of a %+v, of b %+v", a, b)
		}
	})
}
