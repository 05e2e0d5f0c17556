package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/scheduler/calendar"
)

// The storage implements the scheduler's ports.
var (
	_ scheduler.Reminders = (*storageDB)(nil)
	_ scheduler.Source    = (*storageDB)(nil)
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
}

// newSchedule builds the scheduler from the configuration: PIPBOT_CALENDAR
// (working-day overrides) and PIPBOT_RULES (per-tenant reminder rules).
func (a *app) newSchedule(now func() time.Time) (*schedule, error) {
	cal, rules := a.calendar, a.rules // loaded by newApp, which the engine shares
	log := a.log.With("component", "scheduler")
	planner, err := scheduler.NewPlanner(scheduler.PlannerOptions{Source: a.db, Reminders: a.db, Calendar: cal, Rules: rules,
		TZ: a.cfg.Location(), HR: a.cfg.HR, Clock: now, Log: log})
	if err != nil {
		return nil, fmt.Errorf("planner: %w", err)
	}
	s := &schedule{calendar: cal, planner: planner, composer: scheduler.NewComposer(planner, a.engine), metrics: scheduler.NewMetrics()}
	s.notifier = s.composer.Notifier(a.sendReminder)
	host, _ := os.Hostname()
	s.dispatcher, err = scheduler.NewDispatcher(scheduler.DispatcherOptions{Store: a.db, Notifier: s.notifier,
		Owner: fmt.Sprintf("%s-%d", host, os.Getpid()), Now: now, Log: log, Metrics: s.metrics})
	if err != nil {
		return nil, fmt.Errorf("dispatcher: %w", err)
	}
	a.metrics.reg.MustRegister(s.metrics, calendarWarnings(cal, now))
	return s, nil
}

// errNoSender is a reminder for a platform this process cannot reach.
var errNoSender = errors.New("no sender for the reminder's platform")

// sendReminder sends a composed reminder through its platform's sender,
// keyed by the reminder so a resend after a crash sends once (Feishu's uuid,
// Slack's check before resending).
func (a *app) sendReminder(ctx context.Context, r bot.Reminder, rep bot.Reply) (string, error) {
	key, _ := strings.CutPrefix(r.Tenant, r.Platform+":")
	switch {
	case r.Platform == bot.PlatformLark && a.lark != nil:
		return a.lark.sender.Send(ctx, key, rep)
	case r.Platform == bot.PlatformSlack && a.slack != nil:
		return a.slack.sender.Send(ctx, key, rep)
	}
	return "", fmt.Errorf("reminder %d on %s: %w", r.ID, r.Platform, errNoSender)
}

// run runs the ticker: planning every 10 minutes, dispatching every 30 s,
// both once at start so reminders missed while down are caught up.
func (s *schedule) run(ctx context.Context, log func(err error)) {
	t, err := scheduler.NewTicker(scheduler.TickerOptions{Dispatcher: s.dispatcher, Plan: s.planner.Run})
	if err != nil {
		log(err)
		return
	}
	if err := t.Run(ctx); err != nil {
		log(err)
	}
}

// calendarWarnings exports the calendar's warnings (a year not yet
// published, from 15 October) as a gauge, so admins can alert on it.
func calendarWarnings(cal *calendar.Calendar, now func() time.Time) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pipbot_calendar_warnings",
		Help: "Working-day calendar warnings in force (e.g. next year's official calendar not yet published).",
	}, func() float64 { return float64(len(cal.Warnings(now()))) })
}
