package scheduler_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// The SQL store is the scheduler's outbox.
var _ scheduler.Reminders = (*storage.DB)(nil)

// eachOutbox runs fn once per SQL database: SQLite always, PostgreSQL and
// MySQL/MariaDB when their variables are set, each a fresh migrated store.
func eachOutbox(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db, err := storage.Open(t.Context(), dsn, nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		fn(t, db)
	})
}

// fakePlatform is a chat platform whose send is idempotent by key, as
// Feishu's uuid is: a Notify with a key it delivered before returns the
// first message id and shows nothing new. before runs ahead of delivery (to
// fail or hang), after runs once the message is out (to pause, or to die
// before the dispatcher can mark it).
type fakePlatform struct {
	mu      sync.Mutex
	calls   map[string]int    // Notify calls per key
	visible map[string]int    // messages people saw per key
	ids     map[string]string // message id per key
	before  func(ctx context.Context, r bot.Reminder) error
	after   func(ctx context.Context, r bot.Reminder) error
}

func newFakePlatform() *fakePlatform {
	return &fakePlatform{calls: map[string]int{}, visible: map[string]int{}, ids: map[string]string{}}
}

func (p *fakePlatform) Notify(ctx context.Context, r bot.Reminder) (string, error) {
	if p.before != nil {
		if err := p.before(ctx, r); err != nil {
			return "", err
		}
	}
	p.mu.Lock()
	key := r.Key()
	p.calls[key]++
	id, dup := p.ids[key]
	if !dup {
		id = fmt.Sprintf("om_%d", len(p.ids)+1)
		p.ids[key] = id
		p.visible[key]++
	}
	p.mu.Unlock()
	if p.after != nil {
		if err := p.after(ctx, r); err != nil {
			return "", err
		}
	}
	return id, nil
}

// counts returns how many keys were notified, and how many of them more
// than once, and fails t when a key shows other than one message.
func (p *fakePlatform) counts(t *testing.T) (keys, resent int) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for key, n := range p.visible {
		if n != 1 {
			t.Errorf("%s: %d visible messages", key, n)
		}
	}
	for _, n := range p.calls {
		if n > 1 {
			resent++
		}
	}
	return len(p.calls), resent
}

// stepClock is a clock that tests move by hand.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// dueReminders is n weekly reminders of tenant t1, one per plan, due at due
// and missed a day later.
func dueReminders(n int, due time.Time) []bot.Reminder {
	rs := make([]bot.Reminder, n)
	for i := range rs {
		rs[i] = bot.Reminder{
			Tenant: "t1", Platform: "lark", PlanID: int64(i + 1), Subject: fmt.Sprintf("plan:%d", i+1),
			Kind: bot.RemindWeekly, DueKey: "2026-W48", Recipient: fmt.Sprintf("ou_%d", i+1),
			DueAt: due, ExpiresAt: due.Add(24 * time.Hour),
		}
	}
	return rs
}

func mustUpsert(t *testing.T, db *storage.DB, rs []bot.Reminder) {
	t.Helper()
	n, err := db.UpsertReminders(t.Context(), rs)
	if err != nil || n != len(rs) {
		t.Fatalf("UpsertReminders = %d, %v; want %d", n, err, len(rs))
	}
}

// newDispatcher builds a dispatcher on db, failing t on bad options.
func newDispatcher(t *testing.T, o scheduler.DispatcherOptions) *scheduler.Dispatcher {
	t.Helper()
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	d, err := scheduler.NewDispatcher(o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// countStatus counts db's reminders in status.
func countStatus(t *testing.T, db *storage.DB, status bot.ReminderStatus) int {
	t.Helper()
	n, err := db.CountReminders(t.Context(), status, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
