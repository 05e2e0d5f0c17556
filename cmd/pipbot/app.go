package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/scheduler/calendar"
	"github.com/pipbot/pipbot/storage"
)

// app is the wired core every long-running subcommand shares: the migrated
// database, Redis, the engine and the metrics it reports to. serve puts HTTP
// in front of it, chat a terminal; tests build one directly.
type app struct {
	cfg     config.Config
	log     *slog.Logger
	db      *storage.DB
	redis   *storage.Redis
	metrics *metrics
	engine  *bot.Engine
	// The organisation: the working-day calendar, per-tenant rules (nil:
	// the defaults) and the platform directories the engine looks people up in.
	calendar *calendar.Calendar
	rules    *scheduler.RuleBook
	profiles *profileRouter
	// meetings are the platforms' calendars the engine puts interviews in,
	// filled in as the platforms start (Feishu's by newLark).
	meetings map[string]bot.MeetingCalendar
	lark     *larkPlatform  // nil unless a Feishu/Lark app is configured
	slack    *slackPlatform // nil unless a Slack app is configured
	sched    *schedule      // nil outside serve
	// auditEvery is how often runPlatforms verifies the audit chains
	// (auditVerifyEvery; tests shorten it).
	auditEvery time.Duration
	// tune is serve's link-time tuning (linkTuning); zero everywhere else.
	tune tuning
}

// newApp opens and migrates cfg.DB, opens cfg.Redis (embedded when empty)
// and builds the engine with the HR list, locale and time zone of cfg.
// Close releases what it opened; on error nothing is left open.
// appOption changes how newApp builds the app; tests use it to set the clock.
type appOption func(*bot.Options)

// withClock makes the engine read the time from now.
func withClock(now func() time.Time) appOption {
	return func(o *bot.Options) { o.Clock = now }
}

func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, opts ...appOption) (_ *app, err error) {
	locale, ok := bot.ParseLocale(cfg.Locale)
	if !ok {
		return nil, fmt.Errorf("unsupported locale %q", cfg.Locale)
	}
	a := &app{cfg: cfg, log: log, metrics: newMetrics(), auditEvery: auditVerifyEvery, meetings: map[string]bot.MeetingCalendar{}}
	defer func() {
		if err != nil {
			_ = a.Close()
		}
	}()
	if a.db, err = storage.Open(ctx, cfg.DB, log); err != nil {
		return nil, err
	}
	if err = a.db.Migrate(ctx); err != nil {
		return nil, err
	}
	if a.redis, err = storage.OpenRedis(ctx, cfg.Redis, log); err != nil {
		return nil, err
	}
	o := bot.Options{
		Store:    a.db,
		Sessions: a.redis,
		Log:      log.With("component", "bot"),
		HR:       cfg.HR,
		Locale:   locale,
		TZ:       cfg.Location(),
		Observer: a.metrics,
		Meetings: a.meetings,
	}
	// When serve runs the scheduler, a changed plan is queued to be
	// re-planned at once, off the request path (a moved interview's notice
	// moves before the next planning pass); the hook must not block.
	o.Changed = func(ctx context.Context, tenant string, planID int64) {
		if a.sched != nil {
			a.sched.changes.Add(ctx, tenant, planID)
		}
	}
	for _, opt := range opts {
		opt(&o)
	}
	if err = a.organisation(&o); err != nil {
		return nil, err
	}
	if _, err = a.loadHolidays(ctx); err != nil {
		return nil, err
	}
	a.engine = bot.New(o)
	return a, nil
}

// Close closes Redis, then the database.
func (a *app) Close() error {
	var errs []error
	if a.redis != nil {
		errs = append(errs, a.redis.Close())
	}
	if a.db != nil {
		errs = append(errs, a.db.Close())
	}
	return errors.Join(errs...)
}
