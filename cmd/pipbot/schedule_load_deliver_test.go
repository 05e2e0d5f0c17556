package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark"
	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// deliverMode is one run of TestDeliverLoad: the fake's ceilings and the
// Sender's buckets are both scaled by scale, and the run must reach
// minRate of the scaled ceiling rate (the app's per-minute ceiling) or,
// with a zero minRate, minPerMinute messages a minute.
type deliverMode struct {
	name         string
	scale        float64
	minRate      float64
	minPerMinute float64
}

// deliverModes: at Feishu's ceilings ×10 the pipeline must keep the
// Sender's buckets full (95% of the ceiling, no 429); with the ceilings
// ×1000 (off, in effect) it must reach 20 times Feishu's real 1,000/min.
var deliverModes = []deliverMode{
	{name: "ceilings x10", scale: deliverLoadScale, minRate: 0.95},
	{name: "ceilings off", scale: 1000, minPerMinute: 20 * float64(larktest.Platform.AppPerMinute)},
}

// TestDeliverLoad delivers 10,000 due weekly reminders (one per employee of
// one Feishu tenant, all still wanted, spread over Friday 17:00–17:05) with
// two dispatchers at once, through the Composer and the Feishu Sender, to
// the fake Open API, pacing on the embedded Redis as a single-replica serve
// does, in each of deliverModes. SQLite.
func TestDeliverLoad(t *testing.T) {
	skipUnlessLoad(t)
	for _, mode := range deliverModes {
		t.Run(mode.name, func(t *testing.T) { deliverLoad(t, mode) })
	}
}

func deliverLoad(t *testing.T, mode deliverMode) {
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	base := time.Date(2026, 11, 20, 17, 30, 0, 0, sh) // Friday, after the 17:00 weekly reminder
	t0 := time.Now()
	clock := func() time.Time { return base.Add(time.Since(t0)) }
	log := slog.New(slog.DiscardHandler)

	fake := larktest.NewServer(t, larktest.WithScale(mode.scale))
	cfg := config.Default()
	cfg.DB = storagetest.SQLite(t)
	// The buckets live in PIPBOT_TEST_REDIS when it is set (several
	// replicas); otherwise in the embedded Redis of a single replica.
	cfg.Redis = os.Getenv("PIPBOT_TEST_REDIS")
	a, err := newApp(ctx, cfg, log, withClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The Feishu sender as newLark builds it, with its buckets scaled like
	// the fake's ceilings (the scheduler only needs the sender).
	client := lark.NewClient(larktest.AppID, larktest.AppSecret, fake.URL, larkCallTimeout)
	limits := lark.DefaultLimits().Scale(mode.scale)
	a.lark = &larkPlatform{sender: lark.NewSender(lark.SenderOptions{Client: client, AppID: larktest.AppID,
		Limiter: a.redis, People: a.db, Locale: bot.LocaleZH, Limits: limits, Log: log})}
	if a.sched, err = a.newSchedule(clock); err != nil {
		t.Fatal(err)
	}
	const tenant = "lark:tk_deliver"
	seedLoad(t, a.db, cfg.DB, loadSeed{tenants: []string{tenant}, perTenant: deliverLoadReminders, team: deliverLoadTeam,
		zones: []string{"Asia/Shanghai"}, end: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), now: clock(), parallel: 1})
	if err := a.sched.planner.Plan(ctx, clock()); err != nil {
		t.Fatal(err)
	}
	due, err := a.db.ListReminders(ctx, tenant, scheduler.ReminderFilter{To: clock(), Status: bot.ReminderPending})
	if err != nil {
		t.Fatal(err)
	}
	// The figure is the weekly fan-out: the managers' tracking reminders
	// (the plans started weeks ago) and the seed's Friday action, also
	// due, are set aside.
	weekly := due[:0]
	for _, r := range due {
		switch r.Kind {
		case bot.RemindWeekly:
			weekly = append(weekly, r)
		case bot.RemindTracking, bot.RemindAction:
			if err := a.db.CancelReminder(ctx, tenant, r.ID); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("unexpected due row %s %s to %s", r.Kind, r.DueKey, r.Recipient)
		}
	}
	due = weekly
	if len(due) != deliverLoadReminders {
		t.Fatalf("%d due rows, want %d", len(due), deliverLoadReminders)
	}

	type tally struct{ sent, missed, runs int }
	tallies := make([]tally, 2)
	var errs []error
	var mu sync.Mutex
	dctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range tallies {
		d, err := scheduler.NewDispatcher(scheduler.DispatcherOptions{Store: a.db, Notifier: a.sched.notifier,
			Owner: fmt.Sprintf("load-%c", 'A'+i), Now: clock, Log: log, Metrics: a.sched.metrics})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for dctx.Err() == nil {
				sent, missed, err := d.RunOnce(dctx)
				tallies[i].sent += sent
				tallies[i].missed += missed
				tallies[i].runs++
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
				// Rows still pending are the other dispatcher's in flight,
				// or failed sends waiting for their lease to run out.
				if n, err := a.db.CountReminders(dctx, bot.ReminderPending, clock()); err == nil && n == 0 {
					return
				}
				select {
				case <-dctx.Done():
				case <-time.After(time.Second):
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		t.Errorf("dispatch: %v", err)
	}

	wasDue := make(map[int64]bool, len(due))
	for _, r := range due {
		wasDue[r.ID] = true
	}
	all, err := a.db.ListReminders(ctx, tenant, scheduler.ReminderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	rows := slices.DeleteFunc(all, func(r bot.Reminder) bool { return !wasDue[r.ID] })
	msgs := fake.Messages()
	perReceiver := map[string]int{}
	uuids := map[string]bool{}
	for _, m := range msgs {
		perReceiver[m.ReceiveID]++
		uuids[m.UUID] = true
	}
	status := map[bot.ReminderStatus]int{}
	lost, duplicated := 0, 0
	for _, r := range rows {
		status[r.Status]++
		switch n := perReceiver[r.Recipient]; {
		case r.Status != bot.ReminderSent || n == 0:
			lost++
		case n > 1:
			duplicated += n - 1
		}
	}
	slices.SortFunc(msgs, func(x, y larktest.Message) int { return x.At.Compare(y.At) })
	c := larktest.Platform.Scale(mode.scale)
	floor := time.Duration(float64(deliverLoadReminders) / float64(c.AppPerMinute) * float64(time.Minute))
	ceilingRate := float64(c.AppPerMinute) / 60
	var span time.Duration
	if len(msgs) > 1 {
		span = msgs[len(msgs)-1].At.Sub(msgs[0].At)
	}
	rate := float64(len(msgs)) / span.Seconds() // first to last message: the dispatchers' polling is not the pipeline
	redis := "embedded Redis"
	if cfg.Redis != "" {
		redis = "Redis at PIPBOT_TEST_REDIS"
	}
	t.Logf("SQLite, %s; fake Open API ceilings ×%g: %d/s and %d/min per app, %d/s per user; Sender buckets DefaultLimits().Scale(%g): app %.0f/s burst %d, %.0f/s burst %d, recipient %.0f/s burst %d",
		redis, mode.scale, c.AppPerSecond, c.AppPerMinute, c.UserPerSecond, mode.scale,
		limits.AppPerSecond.PerSecond, limits.AppPerSecond.Burst, limits.AppPerMinute.PerSecond, limits.AppPerMinute.Burst,
		limits.Recipient.PerSecond, limits.Recipient.Burst)
	t.Logf("%d due weekly_update reminders, 2 dispatchers (batch %d, %d sends in flight each): delivered %d in %v (first to last message %v); dispatcher A sent %d, B sent %d, missed %d",
		len(due), scheduler.DefaultBatch, scheduler.DefaultParallel, len(msgs), elapsed.Round(time.Millisecond), span.Round(time.Millisecond),
		tallies[0].sent, tallies[1].sent, tallies[0].missed+tallies[1].missed)
	t.Logf("ceiling floor: %d messages at %d/min = %v; %.1f msgs/s (%.0f/min) = %.1f%% of the ceiling rate (%.1f/s), %.1f× Feishu's real 1,000/min",
		deliverLoadReminders, c.AppPerMinute, floor, rate, rate*60, 100*rate/ceilingRate, ceilingRate, rate*60/float64(larktest.Platform.AppPerMinute))
	t.Logf("429s from the fake: %d; peaks: %d messages in a second (ceiling %d), %d in a minute (ceiling %d)",
		fake.Count429(), peakIn(msgs, time.Second), c.AppPerSecond, peakIn(msgs, time.Minute), c.AppPerMinute)
	t.Logf("rows: %d sent, %d pending, %d missed, %d cancelled (skipped); lost %d, duplicated %d; %d messages, %d distinct uuids, %d receivers",
		status[bot.ReminderSent], status[bot.ReminderPending], status[bot.ReminderMissed], status[bot.ReminderCancelled],
		lost, duplicated, len(msgs), len(uuids), len(perReceiver))
	if lost != 0 || duplicated != 0 || len(msgs) != deliverLoadReminders || status[bot.ReminderCancelled] != 0 || fake.Count429() != 0 {
		t.Errorf("lost %d, duplicated %d, %d messages for %d reminders, %d skipped, %d 429s", lost, duplicated, len(msgs), deliverLoadReminders,
			status[bot.ReminderCancelled], fake.Count429())
	}
	if mode.minRate > 0 && rate < mode.minRate*ceilingRate {
		t.Errorf("%.1f msgs/s is %.1f%% of the ceiling rate, want at least %.0f%%", rate, 100*rate/ceilingRate, 100*mode.minRate)
	}
	if mode.minPerMinute > 0 && rate*60 < mode.minPerMinute {
		t.Errorf("%.0f msgs/min, want at least %.0f", rate*60, mode.minPerMinute)
	}
}
