package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/scheduler/calendar"
)

// The storage implements the scheduler's ports.
var (
	_ scheduler.Reminders  = (*storageDB)(nil)
	_ scheduler.Source     = (*storageDB)(nil)
	_ scheduler.PlanWriter = (*storageDB)(nil)
	_ scheduler.ChangeLog  = (*storageDB)(nil)
)

// schedule is the scheduler of one process: the calendar, the planner, the
// composer (checks and messages at send time) and the dispatcher.
type schedule struct {
	calendar   *calendar.Calendar
	planner    *scheduler.Planner
	composer   *scheduler.Composer
	notifier   scheduler.Notifier
	dispatcher *scheduler.Dispatcher
	metrics    *scheduler.Metrics
	// changes re-plans the plans the engine changed, off the request path.
	changes *scheduler.ChangeQueue
	// dispatchEvery is the ticker's dispatch period (zero: the default).
	dispatchEvery time.Duration
	// risk re-rates running plans as time passes (risk.go).
	risk *riskSweep
}

// newSchedule builds the scheduler from the configuration: PIPBOT_CALENDAR
// (working-day overrides) and PIPBOT_RULES (per-tenant reminder rules).
func (a *app) newSchedule(now func() time.Time) (*schedule, error) {
	cal, rules := a.calendar, a.rules // loaded by newApp, which the engine shares
	log := a.log.With("component", "scheduler")
	planner, err := scheduler.NewPlanner(scheduler.PlannerOptions{Source: a.db.Reader(), Reminders: a.db, Changes: a.db, Calendar: cal,
		Rules: rules, TZ: a.cfg.Location(), HR: a.cfg.HR, Clock: now, Log: log})
	if err != nil {
		return nil, fmt.Errorf("planner: %w", err)
	}
	s := &schedule{calendar: cal, planner: planner, composer: scheduler.NewComposer(planner, a.engine), metrics: scheduler.NewMetrics()}
	s.changes = scheduler.NewChangeQueue(scheduler.ChangeQueueOptions{Replan: planner.ReplanPlans,
		Record: a.db.RecordPlanChanges, Overflow: planner.RequestFull, Log: log})
	s.notifier = s.composer.Notifier(a.senders().Send)
	s.risk = &riskSweep{db: a.db, engine: a.engine, senders: a.senders(), now: clockOr(now), log: log}
	s.dispatchEvery = a.tune.dispatch
	host, _ := os.Hostname()
	s.dispatcher, err = scheduler.NewDispatcher(scheduler.DispatcherOptions{Store: a.db, Notifier: s.notifier,
		Owner: fmt.Sprintf("%s-%d", host, os.Getpid()), Lease: a.tune.lease, Now: now, Log: log, Metrics: s.metrics})
	if err != nil {
		return nil, fmt.Errorf("dispatcher: %w", err)
	}
	a.metrics.reg.MustRegister(s.metrics, calendarWarnings(cal, now))
	return s, nil
}

// senders are the reminder senders of the platforms this process reaches,
// by platform: replies and reminders go out through the same Sender, keyed
// by the reminder so a resend after a crash sends once (Feishu's uuid,
// Slack's check before resending).
func (a *app) senders() scheduler.Senders {
	out := scheduler.Senders{}
	if a.lark != nil {
		out[bot.PlatformLark] = a.lark.sender.Send
	}
	if a.slack != nil {
		out[bot.PlatformSlack] = a.slack.sender.Send
	}
	return out
}

// run runs the ticker: planning every 10 minutes, dispatching every 30 s,
// both once at start so reminders missed while down are caught up.
func (s *schedule) run(ctx context.Context, log func(err error)) {
	plan := func(ctx context.Context) error {
		return errors.Join(s.planner.Run(ctx), s.risk.run(ctx))
	}
	t, err := scheduler.NewTicker(scheduler.TickerOptions{Dispatcher: s.dispatcher, Plan: plan, DispatchEvery: s.dispatchEvery})
	if err != nil {
		log(err)
		return
	}
	queued := make(chan struct{})
	go func() {
		defer close(queued)
		s.changes.Run(ctx)
	}()
	if err := t.Run(ctx); err != nil {
		log(err)
	}
	<-queued // drained: what the engine changed before the stop is planned
}

// calendarWarnings exports the calendar's warnings (a year not yet
// published, from 15 October) as a gauge, so admins can alert on it.
func calendarWarnings(cal *calendar.Calendar, now func() time.Time) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pipbot_calendar_warnings",
		Help: "Working-day calendar warnings in force (e.g. next year's official calendar not yet published).",
	}, func() float64 { return float64(len(cal.Warnings(now()))) })
}
