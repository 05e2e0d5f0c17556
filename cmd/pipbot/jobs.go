package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/pipbot/pipbot/scheduler"
)

// runJobs is `pipbot jobs list [--limit N]` (the next due reminders) and
// `pipbot jobs run NAME [--at TIME] [--dry-run]` (who would get what at TIME;
// without --dry-run it sends them, exactly once alongside the dispatchers).
func runJobs(ctx context.Context, e *env, args []string) (err error) {
	if len(args) == 0 {
		return fmt.Errorf("jobs: want 'list' or 'run NAME' (jobs: %v)", scheduler.JobNames())
	}
	sub, args := args[0], args[1:]
	name := ""
	if sub == "run" {
		if len(args) == 0 {
			return fmt.Errorf("jobs run: name a job, one of %v", scheduler.JobNames())
		}
		name, args = args[0], args[1:]
	} else if sub != "list" {
		return fmt.Errorf("jobs: unknown %q; want 'list' or 'run NAME'", sub)
	}
	// Each subcommand takes only the flags it acts on: `jobs list --at`
	// is refused as unknown rather than accepted and ignored.
	fs := e.flags("jobs " + sub)
	limit, at, dry := new(int), new(string), new(bool)
	if sub == "list" {
		fs.IntVar(limit, "limit", 20, "how many reminders to list")
	} else {
		fs.StringVar(at, "at", "", "the `TIME` to run the job as of, e.g. \"2026-11-27 17:00\" (default now, in PIPBOT_TZ)")
		fs.BoolVar(dry, "dry-run", false, "show who would get what, without sending")
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	cfg, _, err := loadConfig(e)
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, false, slog.LevelWarn)
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.Close()) }()
	if sub == "run" && !*dry {
		if a.lark, err = a.newLark(ctx, time.Now); err != nil {
			return err
		}
		if a.slack, err = a.newSlack(ctx, time.Now); err != nil {
			return err
		}
	}
	if a.sched, err = a.newSchedule(time.Now); err != nil {
		return err
	}
	jobs := &scheduler.Jobs{Planner: a.sched.planner, Composer: a.sched.composer, Outbox: a.db, Notifier: a.sched.notifier}
	if sub == "list" {
		// Plan first, as serve does every 10 minutes, so the list is current;
		// planning is idempotent.
		if err := a.sched.planner.Plan(ctx, time.Now()); err != nil {
			return err
		}
		return jobs.ListNext(ctx, e.stdout, time.Now(), *limit)
	}
	when := time.Now()
	if *at != "" {
		if when, err = scheduler.ParseAt(*at, cfg.Location()); err != nil {
			return fmt.Errorf("jobs run --at: %w", err)
		}
	}
	return jobs.RunJob(ctx, e.stdout, name, when, *dry)
}
