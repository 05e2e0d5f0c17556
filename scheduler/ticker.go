package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Default periods of the Ticker's two jobs.
const (
	DefaultDispatchEvery = 30 * time.Second
	DefaultPlanEvery     = 10 * time.Minute
)

// TickerOptions configures a Ticker; zero periods take the defaults.
type TickerOptions struct {
	Dispatcher *Dispatcher
	// Plan materialises the reminders of the coming weeks (the planner's
	// pass over every active plan); nil runs no planner.
	Plan          func(ctx context.Context) error
	DispatchEvery time.Duration // DefaultDispatchEvery; cron rounds it to whole seconds
	PlanEvery     time.Duration // DefaultPlanEvery
	Log           *slog.Logger
}

// Ticker is the only clock that starts scheduler work: robfig/cron in UTC
// with two fixed entries, one dispatching and one planning, on every
// replica. There is no cron entry per tenant, time zone or reminder: what is
// due lives in the outbox, so nothing depends on cron entries surviving a
// restart, and the DST and parser pitfalls of cron specs do not arise.
type Ticker struct {
	o   TickerOptions
	log *slog.Logger
}

// NewTicker checks o and fills in its defaults.
func NewTicker(o TickerOptions) (*Ticker, error) {
	if o.Dispatcher == nil {
		return nil, errors.New("new ticker: a dispatcher is required")
	}
	o.DispatchEvery = cmpOr(o.DispatchEvery, DefaultDispatchEvery)
	o.PlanEvery = cmpOr(o.PlanEvery, DefaultPlanEvery)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Ticker{o: o, log: o.Log.With("component", "scheduler")}, nil
}

// Run runs both jobs once at once (catching up right after a restart), then
// on their periods, until ctx ends; then it stops the cron and waits for the
// jobs in flight, which see ctx end. A panicking job is logged and runs
// again at its next tick; a job still running at its next tick is skipped.
func (t *Ticker) Run(ctx context.Context) error {
	l := cronLogger{t.log}
	// Recover sits on both sides of SkipIfStillRunning: that wrapper gives
	// its token back only when the job returns, so a panic unwinding through
	// it would have the job skipped for good.
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(l),
		cron.WithChain(cron.Recover(l), cron.SkipIfStillRunning(l), cron.Recover(l)))
	ids := []cron.EntryID{c.Schedule(cron.Every(t.o.DispatchEvery), cron.FuncJob(func() { t.dispatch(ctx) }))}
	if t.o.Plan != nil {
		ids = append(ids, c.Schedule(cron.Every(t.o.PlanEvery), cron.FuncJob(func() { t.plan(ctx) })))
	}
	var first sync.WaitGroup
	for _, id := range ids {
		first.Go(c.Entry(id).WrappedJob.Run) // through the chain, unlike Entry.Job
	}
	c.Start()
	t.log.Info("scheduler started", "dispatch_every", t.o.DispatchEvery.String(), "plan_every", t.o.PlanEvery.String())
	<-ctx.Done()
	<-c.Stop().Done()
	first.Wait()
	t.log.Info("scheduler stopped")
	return nil
}

// dispatch is the dispatch job.
func (t *Ticker) dispatch(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	sent, missed, err := t.o.Dispatcher.RunOnce(ctx)
	if err != nil && ctx.Err() == nil {
		t.log.Error("dispatch reminders", "job", "dispatch", "sent", sent, "missed", missed, "err", err)
	} else if sent+missed > 0 {
		t.log.Info("dispatched reminders", "job", "dispatch", "sent", sent, "missed", missed)
	}
}

// plan is the planning job.
func (t *Ticker) plan(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	if err := t.o.Plan(ctx); err != nil && ctx.Err() == nil {
		t.log.Error("plan reminders", "job", "plan", "err", err)
	}
}

// cronLogger is cron's logger over slog: its chatter (start, wake, run) at
// debug, a skipped run at info, a recovered panic at error.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	level := slog.LevelDebug
	if msg == "skip" {
		level, msg = slog.LevelInfo, "cron job still running: tick skipped"
	}
	c.l.Log(context.Background(), level, msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error(fmt.Sprintf("cron: %s", msg), append(kv, "err", err)...)
}
