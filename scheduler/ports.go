package scheduler

import (
	"context"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Clock tells the time. The dispatcher and the planner take one, so that
// tests can stand on any date; nil means time.Now.
type Clock func() time.Time

// now reads c, or the wall clock when c is nil.
func (c Clock) now() time.Time {
	if c == nil {
		return time.Now()
	}
	return c()
}

// ReminderFilter selects reminders for `pipbot jobs list`: zero fields match
// everything, From is inclusive and To exclusive on the due time, Limit 0 is
// no limit. It is an alias of the same unnamed struct type as
// storage.ReminderFilter, so the SQL store satisfies Reminders without the
// scheduler importing storage.
type ReminderFilter = struct {
	From, To time.Time
	Status   bot.ReminderStatus
	Kind     bot.ReminderKind
	Limit    int
}

// Reminders is the outbox of reminder rows, the scheduler's port to the
// store (storage.DB implements it). Rows are unique by bot.Reminder.Key;
// dispatchers claim due rows under a lease, and the lease owner is the fence
// that decides who may mark a row sent or missed.
type Reminders interface {
	// UpsertReminders creates the rows whose key is new and returns how
	// many; a pending row already stored takes the new DueAt, ExpiresAt,
	// ShortNotice and Provisional, any other row is left alone. Safe to run
	// from several planners at once.
	UpsertReminders(ctx context.Context, rs []bot.Reminder) (created int, err error)
	// CancelPending cancels the pending rows of a subject whose kind is in
	// kinds (nil: all) and whose due key is not in except.
	CancelPending(ctx context.Context, tenant, subject string, kinds []bot.ReminderKind, except []string) (int, error)
	// ClaimDue leases up to n pending rows due by now, whose lease is free
	// or ran out, to owner until now+lease, oldest due first, counting the
	// attempt; concurrent claimers get different rows.
	ClaimDue(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]bot.Reminder, error)
	// ReleaseReminders gives back owner's leases on pending rows it never
	// started to send, uncounting the attempt (a dispatcher shutting down).
	ReleaseReminders(ctx context.Context, owner string, ids []int64) (int, error)
	// MarkSent records the send if owner still holds the lease and the row
	// is pending; otherwise an error with a LeaseLost() bool method in its
	// chain that returns true (storage's wraps storage.ErrLeaseLost).
	MarkSent(ctx context.Context, id int64, owner string, at time.Time, messageID string) error
	// MarkMissed records a row that will not be sent, under the same fence.
	MarkMissed(ctx context.Context, id int64, owner string, at time.Time) error
	// CancelReminder cancels one pending row of the tenant (the update
	// landed); a row no longer pending is left alone.
	CancelReminder(ctx context.Context, tenant string, id int64) error
	// ListReminders returns the tenant's rows ("" = every tenant) matching
	// f, by due time.
	ListReminders(ctx context.Context, tenant string, f ReminderFilter) ([]bot.Reminder, error)
	// CountReminders counts rows in status, due before dueBefore unless it
	// is zero, across tenants: the metrics' overdue gauge.
	CountReminders(ctx context.Context, status bot.ReminderStatus, dueBefore time.Time) (int, error)
}

// Notifier delivers one claimed reminder: it builds the message through the
// engine and sends it through the platform adapter, idempotently by
// r.Key() (Feishu's uuid; Slack checks its recent messages before sending
// again), so that a resend after a crash or a lost lease reaches no one
// twice. It returns the platform's message id.
type Notifier interface {
	Notify(ctx context.Context, r bot.Reminder) (messageID string, err error)
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, r bot.Reminder) (string, error)

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, r bot.Reminder) (string, error) { return f(ctx, r) }
