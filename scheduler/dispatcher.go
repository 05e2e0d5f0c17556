package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Defaults of DispatcherOptions.
const (
	DefaultBatch       = 100
	DefaultLease       = 2 * time.Minute
	DefaultParallel    = 8
	DefaultMaxAttempts = 5
	// markTimeout bounds MarkSent and MarkMissed, which run even while the
	// dispatcher is being stopped: a message that went out is recorded.
	markTimeout = 10 * time.Second
	// lateAfter is how late a send must be to be logged as a catch-up.
	lateAfter = 5 * time.Minute
)

// DispatcherOptions configures a Dispatcher; zero fields take the defaults.
type DispatcherOptions struct {
	Store    Reminders
	Notifier Notifier
	// Owner names this replica among the live ones (host and pid, say): it
	// is the lease owner, the fence that decides who may mark a row.
	Owner string
	Batch int           // rows claimed at once (DefaultBatch)
	Lease time.Duration // how long a claim is held (DefaultLease); longer than a batch's sends
	// Parallel bounds the sends in flight (DefaultParallel).
	Parallel int
	// MaxAttempts bounds the claims of one reminder (DefaultMaxAttempts):
	// when its last attempt fails, or a claim finds them spent (earlier
	// dispatchers died holding it), it is marked missed.
	MaxAttempts int
	// SendTimeout bounds one Notify (Lease/4), so that a hung platform
	// call ends well inside the lease; a reminder whose lease has less than
	// that left when its turn comes is not started.
	SendTimeout time.Duration
	Now         Clock
	Log         *slog.Logger
	Metrics     *Metrics
}

// Dispatcher sends the due reminders of the outbox, exactly once across
// replicas and restarts: every replica runs one; each claims due rows under
// a lease, marks a reminder missed past its catch-up deadline (ExpiresAt),
// and otherwise hands it to the Notifier and marks it sent while it still
// holds the lease. A failed send stays pending and is retried after the
// lease; the idempotent platform send absorbs a resend after a crash. A
// Notifier that finds the reminder overtaken cancels it and returns
// ErrSkipped: not a failure, nothing to retry.
type Dispatcher struct {
	o   DispatcherOptions
	log *slog.Logger
}

// NewDispatcher checks o and fills in its defaults.
func NewDispatcher(o DispatcherOptions) (*Dispatcher, error) {
	if o.Store == nil || o.Notifier == nil || o.Owner == "" {
		return nil, errors.New("new dispatcher: a store, a notifier and an owner are required")
	}
	o.Batch = cmpOr(o.Batch, DefaultBatch)
	o.Lease = cmpOr(o.Lease, DefaultLease)
	o.Parallel = cmpOr(o.Parallel, DefaultParallel)
	o.MaxAttempts = cmpOr(o.MaxAttempts, DefaultMaxAttempts)
	o.SendTimeout = cmpOr(o.SendTimeout, o.Lease/4)
	if o.SendTimeout >= o.Lease {
		return nil, fmt.Errorf("new dispatcher: send timeout %v must be shorter than the lease %v", o.SendTimeout, o.Lease)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{o: o, log: o.Log.With("component", "dispatcher", "owner", o.Owner)}, nil
}

// cmpOr is v when positive, else def.
func cmpOr[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// RunOnce claims and handles due reminders, batch after batch, until none
// is left to claim or ctx ends, and reports how many it marked sent and
// missed. Its error is the store's (claims and marks); a failed send is
// logged, counted and retried later, not returned.
func (d *Dispatcher) RunOnce(ctx context.Context) (sent, missed int, err error) {
	var errs []error
	for ctx.Err() == nil {
		rs, err := d.o.Store.ClaimDue(ctx, d.o.Owner, d.o.Now.now(), d.o.Batch, d.o.Lease)
		if err != nil {
			errs = append(errs, err)
			break
		}
		if p, ok := d.o.Notifier.(Preparer); ok && len(rs) > 0 {
			p.Prepare(ctx, rs)
		}
		s, m, err := d.handle(ctx, rs)
		sent, missed = sent+s, missed+m
		if err != nil {
			errs = append(errs, err)
			break
		}
		if len(rs) < d.o.Batch {
			break
		}
	}
	if d.o.Metrics != nil && ctx.Err() == nil {
		if n, err := d.o.Store.CountReminders(ctx, bot.ReminderPending, d.o.Now.now()); err != nil {
			d.log.Warn("count overdue reminders", "err", err)
		} else {
			d.o.Metrics.setOverdue(n)
		}
	}
	return sent, missed, errors.Join(errs...)
}

// outcome is what became of one claimed reminder.
type outcome int

const (
	outLeft   outcome = iota // still pending (retried after its lease), or skipped
	outSent                  // marked sent
	outMissed                // marked missed
)

// handle delivers claimed reminders with at most Parallel in flight, and
// one at a time per recipient (in due order), so a person with several
// due reminders never takes the sends of others or meets the platform's
// per-user ceiling; the app-wide ceilings are the senders' shared buckets.
// When ctx ends, it returns the leases of the reminders not yet started.
func (d *Dispatcher) handle(ctx context.Context, rs []bot.Reminder) (sent, missed int, err error) {
	var (
		mu   sync.Mutex
		errs []error
		left []bot.Reminder // not started when ctx ended
		wg   sync.WaitGroup
		sem  = make(chan struct{}, d.o.Parallel)
	)
	for _, chain := range byRecipient(rs) {
		wg.Go(func() {
			for i, r := range chain {
				select {
				case <-ctx.Done():
				case sem <- struct{}{}:
				}
				if ctx.Err() != nil {
					mu.Lock()
					left = append(left, chain[i:]...)
					mu.Unlock()
					return
				}
				out, err := d.deliver(ctx, r)
				<-sem
				mu.Lock()
				switch out {
				case outSent:
					sent++
				case outMissed:
					missed++
				}
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return sent, missed, errors.Join(errors.Join(errs...), d.release(ctx, left))
}

// byRecipient splits claimed rows by tenant and recipient, keeping their
// order (oldest due first), in the order recipients first appear.
func byRecipient(rs []bot.Reminder) [][]bot.Reminder {
	index := map[[2]string]int{}
	var out [][]bot.Reminder
	for _, r := range rs {
		k := [2]string{r.Tenant, r.Recipient}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

// release returns the leases on rs, claimed but not started when ctx ended.
func (d *Dispatcher) release(ctx context.Context, rs []bot.Reminder) error {
	if len(rs) == 0 {
		return nil
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	n, err := d.o.Store.ReleaseReminders(rctx, d.o.Owner, ids)
	d.log.Info("stopping: leases returned", "released", n)
	return err
}

// deliver handles one claimed reminder: missed past its deadline or out of
// attempts, otherwise notified and marked sent.
func (d *Dispatcher) deliver(ctx context.Context, r bot.Reminder) (outcome, error) {
	now := d.o.Now.now()
	if !r.ExpiresAt.IsZero() && now.After(r.ExpiresAt) {
		return d.miss(ctx, r, MissExpired, now)
	}
	if r.Attempts > d.o.MaxAttempts {
		return d.miss(ctx, r, MissAttempts, now)
	}
	if !r.LeaseUntil.IsZero() && now.Add(d.o.SendTimeout).After(r.LeaseUntil) {
		// Queued behind slow sends: the lease could run out mid-send and
		// another dispatcher take the reminder. Leave it to that claim.
		d.logWith(r).Warn("lease too short to send: left for the next claim")
		return outLeft, nil
	}
	sctx, cancel := context.WithTimeout(ctx, d.o.SendTimeout)
	start := time.Now()
	msgID, err := d.o.Notifier.Notify(sctx, r)
	took := time.Since(start)
	cancel()
	if errors.Is(err, ErrSkipped) {
		d.o.Metrics.skipped(r) // the Notifier cancelled the row: nothing to send or retry
		return outLeft, nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return outLeft, nil // stopping: the lease runs out and a later run retries
		}
		d.o.Metrics.failed(r)
		d.logWith(r).Warn("send reminder", "attempts", r.Attempts, "err", err)
		if r.Attempts >= d.o.MaxAttempts {
			return d.miss(ctx, r, MissAttempts, d.o.Now.now())
		}
		return outLeft, nil
	}
	at := d.o.Now.now()
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	if err := d.o.Store.MarkSent(mctx, r.ID, d.o.Owner, at, msgID); err != nil {
		return outLeft, d.markFailed(r, "sent", err)
	}
	d.o.Metrics.sent(r, took, at)
	if late := at.Sub(r.DueAt); late > lateAfter {
		d.logWith(r).Info("reminder sent late", "late", late.Round(time.Second).String())
	}
	return outSent, nil
}

// miss marks r missed for reason, logs and counts it.
func (d *Dispatcher) miss(ctx context.Context, r bot.Reminder, reason string, at time.Time) (outcome, error) {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	if err := d.o.Store.MarkMissed(mctx, r.ID, d.o.Owner, at); err != nil {
		return outLeft, d.markFailed(r, "missed", err)
	}
	d.o.Metrics.missed(r, reason)
	d.logWith(r).Warn("reminder missed", "reason", reason, "attempts", r.Attempts,
		"due_at", r.DueAt.UTC().Format(time.RFC3339), "expires_at", r.ExpiresAt.UTC().Format(time.RFC3339))
	return outMissed, nil
}

// markFailed handles a failed mark. A lost lease is no error of this run:
// another dispatcher took the reminder over (and its resend, if any, was
// absorbed by the platform's idempotent send) or it was cancelled.
func (d *Dispatcher) markFailed(r bot.Reminder, as string, err error) error {
	var ll interface{ LeaseLost() bool }
	if errors.As(err, &ll) && ll.LeaseLost() {
		d.o.Metrics.leaseLost()
		d.logWith(r).Warn("lease lost before marking reminder "+as, "err", err)
		return nil
	}
	return fmt.Errorf("mark reminder %d %s: %w", r.ID, as, err)
}

// logWith names a reminder in logs, without anything of the plan.
func (d *Dispatcher) logWith(r bot.Reminder) *slog.Logger {
	return d.log.With("tenant", r.Tenant, "kind", string(r.Kind), "due_key", r.DueKey, "reminder_id", r.ID)
}
