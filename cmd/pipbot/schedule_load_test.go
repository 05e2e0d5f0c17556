package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"

	"github.com/pipbot/pipbot/adapters/lark"
	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// The scheduler's closing figures (issue 5): planning 100,000 plans, and
// delivering 10,000 reminders through the Feishu adapter. Both run only with
// PIPBOT_LOAD=1:
//
//	PIPBOT_LOAD=1 PIPBOT_TEST_POSTGRES=postgres://… go test -count=1 -run 'PlanLoad|DeliverLoad' -v -timeout 20m ./cmd/pipbot

// Parameters of the planning figure.
const (
	planLoadTenants   = 10
	planLoadPerTenant = 10_000
	planLoadTeam      = 10 // employees per manager
)

// Parameters of the delivery figure: the platform's ceilings and the
// Sender's buckets are both multiplied by deliverLoadScale.
const (
	deliverLoadReminders = 10_000
	deliverLoadScale     = 10
	deliverLoadTeam      = 100
)

// planLoadZones are the people's zones, in turn; "" is the tenant default
// (PIPBOT_TZ).
var planLoadZones = []string{"Asia/Shanghai", "Asia/Tokyo", "Asia/Singapore", "Europe/London", "America/Los_Angeles", ""}

func skipUnlessLoad(t *testing.T) {
	t.Helper()
	if os.Getenv("PIPBOT_LOAD") != "1" {
		t.Skip("set PIPBOT_LOAD=1 to run the scheduler load figures")
	}
}

// TestPlanLoad times the planner over 100,000 active plans in 10 tenants
// (people in six zones, a third with last week's update, a third with the
// week before's, a third with none; one HR user per tenant), from scratch
// and again, and samples the heap every 10 ms meanwhile. On PostgreSQL a
// third run follows an ANALYZE: without statistics on the reminders table
// (a server with autovacuum off, or before autovacuum's first pass)
// PendingReminders scans every pending row of the tenant on each page.
func TestPlanLoad(t *testing.T) {
	skipUnlessLoad(t)
	for _, db := range []struct {
		name string
		dsn  func(testing.TB) string
		par  int // tenants seeded at once
	}{{"sqlite", storagetest.SQLite, 1}, {"postgres", storagetest.Postgres, 4}} {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			ctx := context.Background()
			sh, _ := time.LoadLocation("Asia/Shanghai")
			now := time.Date(2026, 11, 16, 9, 0, 0, 0, sh) // a Monday
			clock := func() time.Time { return now }
			capture := &planLogCapture{}
			cfg := config.Default()
			cfg.DB = dsn
			a, err := newApp(ctx, cfg, slog.New(capture), withClock(clock))
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if a.sched, err = a.newSchedule(clock); err != nil {
				t.Fatal(err)
			}
			seedStart := time.Now()
			tenants := make([]string, planLoadTenants)
			for i := range tenants {
				if i%2 == 0 {
					tenants[i] = fmt.Sprintf("lark:tk_load_%02d", i)
				} else {
					tenants[i] = fmt.Sprintf("slack:T_LOAD_%02d", i)
				}
			}
			g := seedLoad(t, a.db, dsn, loadSeed{tenants: tenants, perTenant: planLoadPerTenant, team: planLoadTeam,
				zones: planLoadZones, hr: true, updates: true, now: now, parallel: db.par})
			seeded := time.Since(seedStart)
			runs := []string{"first", "second"}
			if db.name == "postgres" {
				var av string
				g.Raw("SHOW autovacuum").Scan(&av)
				t.Logf("postgres: autovacuum = %s; the reminders table has no statistics until ANALYZE", av)
				runs = append(runs, "third (after ANALYZE)")
			}
			for run, label := range runs {
				if run == 2 {
					start := time.Now()
					if err := g.Exec("ANALYZE").Error; err != nil {
						t.Fatal(err)
					}
					t.Logf("postgres: ANALYZE took %v", time.Since(start).Round(time.Millisecond))
				}
				runtime.GC()
				debug.FreeOSMemory()
				hwmReset := resetHWM()
				hwmBefore := procStatusKB("VmHWM")
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				peak := startMemPeak(10 * time.Millisecond)
				start := time.Now()
				err := a.sched.planner.Plan(ctx, now)
				took := time.Since(start)
				heap, sys := peak.stop()
				hwmAfter := procStatusKB("VmHWM")
				if err != nil {
					t.Fatalf("%s run: %v", label, err)
				}
				st := capture.last()
				pending, err := a.db.CountReminders(ctx, bot.ReminderPending, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				if run == 0 {
					t.Logf("%s: seeded %d plans in %d tenants (%d people) in %v (not part of the figure)",
						db.name, st["plans"], len(tenants), len(tenants)*(planLoadPerTenant+planLoadPerTenant/planLoadTeam+1), seeded.Round(time.Second))
				}
				if run > 0 && st["created"] != 0 {
					t.Errorf("the %s run created %d rows", label, st["created"])
				}
				t.Logf("%s %s run: plans %d, rows wanted %d, created %d, cancelled %d, pending rows stored %d; took %v (%.0f plans/s)",
					db.name, label, st["plans"], st["wanted"], st["created"], st["cancelled"], pending,
					took.Round(time.Millisecond), float64(st["plans"])/took.Seconds())
				t.Logf("%s %s run: peak HeapInuse %.1f MiB (%.1f MiB before), peak Sys %.1f MiB; VmHWM %s %d → %d MiB",
					db.name, label, mib(heap), mib(base.HeapInuse), mib(sys), hwmReset, hwmBefore/1024, hwmAfter/1024)
			}
		})
	}
}

// TestDeliverLoad delivers 10,000 due weekly reminders (one per employee of
// one Feishu tenant, all still wanted) with two dispatchers at once, through
// the Composer and the Feishu Sender, to the fake Open API whose ceilings
// and the Sender's buckets are both scaled by deliverLoadScale, pacing on
// the embedded Redis as a single-replica serve does. SQLite.
func TestDeliverLoad(t *testing.T) {
	skipUnlessLoad(t)
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	base := time.Date(2026, 11, 20, 17, 30, 0, 0, sh) // Friday, after the 17:00 weekly reminder
	t0 := time.Now()
	clock := func() time.Time { return base.Add(time.Since(t0)) }
	log := slog.New(slog.DiscardHandler)

	fake := larktest.NewServer(t, larktest.WithScale(deliverLoadScale))
	cfg := config.Default()
	cfg.DB = storagetest.SQLite(t)
	a, err := newApp(ctx, cfg, log, withClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The Feishu sender as newLark builds it, with its buckets scaled like
	// the fake's ceilings (the scheduler only needs the sender).
	client := lark.NewClient(larktest.AppID, larktest.AppSecret, fake.URL, larkCallTimeout)
	limits := lark.DefaultLimits().Scale(deliverLoadScale)
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
	for _, r := range due {
		if r.Kind != bot.RemindWeekly {
			t.Fatalf("unexpected due row %s %s to %s", r.Kind, r.DueKey, r.Recipient)
		}
	}
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
	floor := time.Duration(float64(deliverLoadReminders) / float64(larktest.Platform.AppPerMinute*deliverLoadScale) * float64(time.Minute))
	ceilingRate := float64(larktest.Platform.AppPerMinute*deliverLoadScale) / 60
	rate := float64(len(msgs)) / elapsed.Seconds()
	var span time.Duration
	if len(msgs) > 1 {
		span = msgs[len(msgs)-1].At.Sub(msgs[0].At)
	}
	c := larktest.Platform.Scale(deliverLoadScale)
	t.Logf("SQLite, embedded Redis; fake Open API ceilings ×%d: %d/s and %d/min per app, %d/s per user; Sender buckets DefaultLimits().Scale(%d): app %.0f/s burst %d, %.0f/s burst %d, recipient %.0f/s burst %d",
		deliverLoadScale, c.AppPerSecond, c.AppPerMinute, c.UserPerSecond, deliverLoadScale,
		limits.AppPerSecond.PerSecond, limits.AppPerSecond.Burst, limits.AppPerMinute.PerSecond, limits.AppPerMinute.Burst,
		limits.Recipient.PerSecond, limits.Recipient.Burst)
	t.Logf("%d due weekly_update reminders, 2 dispatchers (batch %d, %d sends in flight each): delivered %d in %v (first to last message %v); dispatcher A sent %d, B sent %d, missed %d",
		len(due), scheduler.DefaultBatch, scheduler.DefaultParallel, len(msgs), elapsed.Round(time.Millisecond), span.Round(time.Millisecond),
		tallies[0].sent, tallies[1].sent, tallies[0].missed+tallies[1].missed)
	t.Logf("ceiling floor: %d messages at %d/min = %v; %.1f msgs/s = %.1f%% of the ceiling rate (%.1f/s), elapsed %.2f× the floor",
		deliverLoadReminders, c.AppPerMinute, floor, rate, 100*rate/ceilingRate, ceilingRate, elapsed.Seconds()/floor.Seconds())
	t.Logf("429s from the fake: %d; peaks: %d messages in a second (ceiling %d), %d in a minute (ceiling %d)",
		fake.Count429(), peakIn(msgs, time.Second), c.AppPerSecond, peakIn(msgs, time.Minute), c.AppPerMinute)
	t.Logf("rows: %d sent, %d pending, %d missed, %d cancelled (skipped); lost %d, duplicated %d; %d messages, %d distinct uuids, %d receivers",
		status[bot.ReminderSent], status[bot.ReminderPending], status[bot.ReminderMissed], status[bot.ReminderCancelled],
		lost, duplicated, len(msgs), len(uuids), len(perReceiver))
	if lost != 0 || duplicated != 0 || len(msgs) != deliverLoadReminders || status[bot.ReminderCancelled] != 0 {
		t.Errorf("lost %d, duplicated %d, %d messages for %d reminders, %d skipped", lost, duplicated, len(msgs), deliverLoadReminders, status[bot.ReminderCancelled])
	}
}

// loadSeed describes the plans to seed: perTenant active plans in each
// tenant, one manager per team employees, people in zones in turn.
type loadSeed struct {
	tenants   []string
	perTenant int
	team      int
	zones     []string
	hr        bool      // one HR user per tenant in the directory
	updates   bool      // a third posted last week, a third the week before
	end       time.Time // every plan's end date; zero: 60 days after its start
	now       time.Time
	parallel  int // tenants seeded at once
}

// seedLoad writes the people, plans and updates of s straight into the
// tables, in multi-row inserts through a connection of its own (the store
// creates plans one at a time, numbering each), then checks through the
// store that a plan and a person read back whole.
func seedLoad(t *testing.T, db *storage.DB, dsn string, s loadSeed) *gorm.DB {
	t.Helper()
	ctx := context.Background()
	g, batch := openSeedDB(t, dsn)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, s.parallel))
	for ti, tenant := range s.tenants {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := seedLoadTenant(ctx, g, batch, s, ti, tenant); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	tenant := s.tenants[len(s.tenants)-1]
	p, err := db.PlanByNumber(ctx, tenant, s.perTenant)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != bot.StatusActive || !p.Tracking() || len(p.Goals) != 1 || p.Goals[0].Target != 500000 || p.StartedAt.IsZero() || p.End.IsZero() {
		t.Fatalf("seeded plan reads back as %+v", p)
	}
	if who, err := db.Person(ctx, tenant, p.EmployeeID); err != nil || who.ManagerID != p.ManagerID || who.Name == "" {
		t.Fatalf("seeded employee reads back as %+v (%v)", who, err)
	}
	return g
}

// openSeedDB opens the test's database with the store's GORM driver, and
// says how many rows to insert per statement (SQLite binds parameters in
// time quadratic in their number).
func openSeedDB(t *testing.T, dsn string) (*gorm.DB, int) {
	t.Helper()
	var d gorm.Dialector
	batch := 500
	if path, ok := strings.CutPrefix(dsn, "sqlite://"); ok {
		d, batch = sqlite.Open(path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate"), 50
	} else {
		d = postgres.Open(dsn)
	}
	g, err := gorm.Open(d, &gorm.Config{Logger: gormlogger.Discard, SkipDefaultTransaction: true})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sqlDB.Close() })
	return g, batch
}

// The rows seedLoad writes: the columns of storage's plans, people and
// plan_updates tables, stored as the store stores them (UTC times to the
// millisecond, JSON text); a column missing here would fail the insert or
// the read-back check.
type (
	seedPlanRow struct {
		ID                                         int64 `gorm:"primaryKey;autoIncrement"`
		Tenant                                     string
		Number, Version                            int
		Platform, Title                            string
		EmployeeID, ManagerID, MentorID, CreatedBy string
		EmployeeType                               string
		TeamVisible                                bool
		Status                                     string
		Cycle                                      int
		StartAt, EndAt                             *time.Time
		Gap                                        bot.Gap         `gorm:"serializer:json"`
		Causes                                     []bot.RootCause `gorm:"serializer:json"`
		Goals                                      []bot.Goal      `gorm:"serializer:json"`
		Actions                                    []bot.Action    `gorm:"serializer:json"`
		Reason                                     string
		ApprovedAt, AckedAt, StartedAt             *time.Time
		Outcome, Lessons                           string
		ClosedAt                                   *time.Time
		CreatedAt                                  *time.Time `gorm:"autoCreateTime:false"`
		UpdatedAt                                  *time.Time `gorm:"autoUpdateTime:false"`
	}
	seedPersonRow struct {
		Tenant, ID, Name, Locale string
		TZ                       string `gorm:"column:tz"`
		ManagerID                string
		HR                       bool       `gorm:"column:hr"`
		UpdatedAt                *time.Time `gorm:"autoUpdateTime:false"`
	}
	seedUpdateRow struct {
		ID             int64 `gorm:"primaryKey;autoIncrement"`
		Tenant         string
		PlanID         int64
		AuthorID, Week string
		Text           string
		Values         []bot.GoalValue `gorm:"column:goal_values;serializer:json"`
		At             *time.Time
	}
)

func (seedPlanRow) TableName() string   { return "plans" }
func (seedPersonRow) TableName() string { return "people" }
func (seedUpdateRow) TableName() string { return "plan_updates" }

// seedTime is t as the store keeps it.
func seedTime(t time.Time) *time.Time {
	u := t.UTC().Truncate(time.Millisecond)
	return &u
}

func seedLoadTenant(ctx context.Context, g *gorm.DB, batch int, s loadSeed, ti int, tenant string) error {
	g = g.WithContext(ctx)
	platform, _, _ := strings.Cut(tenant, ":")
	emp, mgr, hrID := "ou_e%06d", "ou_m%05d", "ou_hr"
	if platform == bot.PlatformSlack {
		emp, mgr, hrID = "UE%06d", "UM%05d", "UHR"
	}
	now := seedTime(s.now)
	managers := (s.perTenant + s.team - 1) / s.team
	var people []seedPersonRow
	if s.hr {
		people = append(people, seedPersonRow{Tenant: tenant, ID: hrID, Name: "HR", TZ: "Asia/Shanghai", HR: true, UpdatedAt: now})
	}
	for m := range managers {
		people = append(people, seedPersonRow{Tenant: tenant, ID: fmt.Sprintf(mgr, m), Name: fmt.Sprintf("经理%d", m),
			TZ: s.zones[(m+ti)%len(s.zones)], UpdatedAt: now})
	}
	for e := range s.perTenant {
		people = append(people, seedPersonRow{Tenant: tenant, ID: fmt.Sprintf(emp, e), Name: fmt.Sprintf("员工%d", e),
			TZ: s.zones[(e+ti+1)%len(s.zones)], ManagerID: fmt.Sprintf(mgr, e/s.team), UpdatedAt: now})
	}
	if err := g.CreateInBatches(&people, batch).Error; err != nil {
		return fmt.Errorf("seed people of %s: %w", tenant, err)
	}
	day := 24 * time.Hour
	for from := 0; from < s.perTenant; from += 1000 {
		var plans []seedPlanRow
		for e := from; e < min(from+1000, s.perTenant); e++ {
			started := s.now.Add(-time.Duration(1+e%59) * day) // ends between tomorrow and in 59 days
			end := started.Add(60 * day)
			if !s.end.IsZero() {
				end = s.end
			}
			plans = append(plans, seedPlanRow{Tenant: tenant, Number: e + 1, Version: 1, Platform: platform, Title: "季度销售额改进",
				EmployeeID: fmt.Sprintf(emp, e), ManagerID: fmt.Sprintf(mgr, e/s.team), CreatedBy: fmt.Sprintf(mgr, e/s.team),
				EmployeeType: string(bot.TypeUnderPerformer), Status: string(bot.StatusActive), Cycle: 1,
				StartAt: seedTime(started), EndAt: seedTime(end),
				Gap:        bot.Gap{Metric: "季度销售额", Target: 500000, Actual: 350000, Unit: "元"},
				Causes:     []bot.RootCause{{Dimension: bot.DimPerson, Text: "客户跟进不及时"}},
				Goals:      []bot.Goal{{No: 1, Metric: "季度销售额", Baseline: 350000, Target: 500000, Unit: "元", Deadline: *seedTime(end), Current: 380000, Updated: true}},
				Actions:    []bot.Action{{No: 1, What: "更新客户拜访记录", When: bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Friday}, Clock: "17:00"}}},
				ApprovedAt: seedTime(started), AckedAt: seedTime(started), StartedAt: seedTime(started),
				CreatedAt: seedTime(started), UpdatedAt: seedTime(started)})
		}
		if err := g.CreateInBatches(&plans, batch).Error; err != nil {
			return fmt.Errorf("seed plans of %s: %w", tenant, err)
		}
		if !s.updates {
			continue
		}
		var updates []seedUpdateRow
		for i, p := range plans {
			e := from + i
			if e%3 == 2 {
				continue
			}
			week := s.now.Add(-time.Duration(7*(1+e%3)) * day) // last week or the week before
			updates = append(updates, seedUpdateRow{Tenant: tenant, PlanID: p.ID, AuthorID: p.EmployeeID, Week: bot.WeekKey(week, time.UTC),
				Text: "本周拜访8家客户", Values: []bot.GoalValue{{Goal: 1, Value: 380000}}, At: seedTime(week)})
		}
		if err := g.CreateInBatches(&updates, batch).Error; err != nil {
			return fmt.Errorf("seed updates of %s: %w", tenant, err)
		}
	}
	return nil
}

// planLogCapture keeps the counts of the planner's last "reminders planned"
// line and drops every other line.
type planLogCapture struct {
	mu     sync.Mutex
	counts map[string]int64
}

func (c *planLogCapture) Enabled(context.Context, slog.Level) bool { return true }
func (c *planLogCapture) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *planLogCapture) WithGroup(string) slog.Handler            { return c }

func (c *planLogCapture) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "reminders planned" {
		return nil
	}
	counts := map[string]int64{}
	r.Attrs(func(a slog.Attr) bool {
		if a.Value.Kind() == slog.KindInt64 {
			counts[a.Key] = a.Value.Int64()
		}
		return true
	})
	c.mu.Lock()
	c.counts = counts
	c.mu.Unlock()
	return nil
}

func (c *planLogCapture) last() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts
}

// memPeak samples the Go heap in use and the memory obtained from the OS.
type memPeak struct {
	done      chan struct{}
	wg        sync.WaitGroup
	heap, sys uint64
}

func startMemPeak(every time.Duration) *memPeak {
	p := &memPeak{done: make(chan struct{})}
	p.sample()
	p.wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-tick.C:
				p.sample()
			}
		}
	})
	return p
}

func (p *memPeak) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.heap, p.sys = max(p.heap, m.HeapInuse), max(p.sys, m.Sys)
}

// stop ends the sampling and returns the peaks, in bytes.
func (p *memPeak) stop() (heap, sys uint64) {
	close(p.done)
	p.wg.Wait()
	p.sample()
	return p.heap, p.sys
}

// resetHWM resets the process's peak resident set size (Linux clear_refs 5)
// and says whether it could.
func resetHWM() string {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return "(not reset)"
	}
	return "(reset before the run)"
}

// procStatusKB reads a kB field of /proc/self/status, 0 when absent.
func procStatusKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb
		}
	}
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// peakIn is the most messages in any window of span, msgs sorted by time.
func peakIn(msgs []larktest.Message, span time.Duration) int {
	best, lo := 0, 0
	for hi := range msgs {
		for msgs[hi].At.Sub(msgs[lo].At) >= span {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}
