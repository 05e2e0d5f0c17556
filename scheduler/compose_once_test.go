package scheduler_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// countingStore is the store with its reads of plans and of their latest
// updates counted, whoever makes them (the planner's check or the engine).
type countingStore struct {
	*storage.DB
	plans, latest atomic.Int32
}

func (c *countingStore) PlanByID(ctx context.Context, tenant string, id int64) (*bot.Plan, error) {
	c.plans.Add(1)
	return c.DB.PlanByID(ctx, tenant, id)
}

func (c *countingStore) PlansByIDs(ctx context.Context, tenant string, ids []int64) ([]*bot.Plan, error) {
	c.plans.Add(1)
	return c.DB.PlansByIDs(ctx, tenant, ids)
}

func (c *countingStore) LatestWeeks(ctx context.Context, tenant string, ids []int64) (map[int64]string, error) {
	c.latest.Add(1)
	return c.DB.LatestWeeks(ctx, tenant, ids)
}

// TestComposeLoadsOnce: sending due weekly reminders reads their plans and
// latest updates once per claimed batch: the composer loads them when the
// dispatcher claims the batch, decides with them that each reminder is
// still planned, and hands them to the engine.
func TestComposeLoadsOnce(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh) }
		w := newPlanWorld(t, db, "console:once", scheduler.DefaultRules(), sh, zhang, li, wang)
		w.activePlan(zhang.ID, wang.ID, cst(11, 2, 9, 0), cst(12, 31, 0, 0), false)
		w.activePlan(li.ID, wang.ID, cst(11, 2, 9, 0), cst(12, 31, 0, 0), false)
		w.plan(cst(11, 16, 9, 0))
		store := &countingStore{DB: db}
		engine := bot.New(bot.Options{Store: store, Sessions: noSessions{}, Clock: w.clock.Now, Locale: bot.LocaleZH, TZ: sh})
		planner, err := scheduler.NewPlanner(scheduler.PlannerOptions{Source: store, Reminders: db, Calendar: w.cal,
			TZ: sh, Clock: w.clock.Now, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		var sent atomic.Int32
		notifier := scheduler.NewComposer(planner, engine).Notifier(func(context.Context, bot.Reminder, bot.Reply) (string, error) {
			sent.Add(1)
			return "m", nil
		})
		w.clock.Set(cst(11, 20, 17, 30))
		d := newDispatcher(t, scheduler.DispatcherOptions{Store: db, Owner: "once", Now: w.clock.Now, Notifier: notifier})
		if n, _, err := d.RunOnce(t.Context()); err != nil || n != 2 || sent.Load() != 2 {
			t.Fatalf("RunOnce sent %d (%d through the sender), %v; want the week's two reminders", n, sent.Load(), err)
		}
		if p, l := store.plans.Load(), store.latest.Load(); p != 1 || l != 1 {
			t.Errorf("a batch of two reminders read plans %d times and latest updates %d times, want once each", p, l)
		}
	})
}
