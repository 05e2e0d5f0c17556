package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// The scheduler's figures: planning 100,000 plans (full and incremental
// passes), and delivering 10,000 reminders through the Feishu adapter at
// its ceilings and with the ceilings off (schedule_load_deliver_test.go).
// Both run only with PIPBOT_LOAD=1:
//
//	PIPBOT_LOAD=1 PIPBOT_TEST_POSTGRES=postgres://… go test -count=1 -run 'PlanLoad|DeliverLoad' -v -timeout 20m ./cmd/pipbot

// Parameters of the planning figure.
const (
	planLoadTenants = 10
	planLoadTeam    = 10 // employees per manager
)

// Parameters of the delivery figure: the platform's ceilings and the
// Sender's buckets are both multiplied by deliverLoadScale.
const (
	deliverLoadScale = 10
	deliverLoadTeam  = 100
)

// planLoadZones are the people's zones, in turn; "" is the tenant default
// (PIPBOT_TZ).
var planLoadZones = []string{"Asia/Shanghai", "Asia/Tokyo", "Asia/Singapore", "Europe/London", "America/Los_Angeles", ""}

// planLoadPerTenant is the plans of each tenant: 10,000, or
// PIPBOT_LOAD_PLANS (to profile a smaller run).
var planLoadPerTenant = func() int {
	if n, err := strconv.Atoi(os.Getenv("PIPBOT_LOAD_PLANS")); err == nil && n >= 100 {
		return n
	}
	return 10_000
}()

// deliverLoadReminders is the reminders TestDeliverLoad delivers: 10,000,
// or PIPBOT_LOAD_REMINDERS (to profile a smaller run).
var deliverLoadReminders = func() int {
	if n, err := strconv.Atoi(os.Getenv("PIPBOT_LOAD_REMINDERS")); err == nil && n >= 100 {
		return n
	}
	return 10_000
}()

func skipUnlessLoad(t *testing.T) {
	t.Helper()
	if os.Getenv("PIPBOT_LOAD") != "1" {
		t.Skip("set PIPBOT_LOAD=1 to run the scheduler load figures")
	}
}

// TestPlanLoad times the planner's passes over 100,000 active plans in 10
// tenants (people in six zones, a third with last week's update, a third
// with the week before's, a third with none; one HR user per tenant): a full
// pass from scratch, a full pass again, an incremental pass with nothing
// changed, and one after 1,000 plans changed (see planLoadSteps); it
// samples the heap every 10 ms meanwhile.
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
			steps := planLoadSteps(t, a, g, tenants, now)
			if db.name == "postgres" {
				var av string
				g.Raw("SHOW autovacuum").Scan(&av)
				t.Logf("postgres: autovacuum = %s; after the seed's and the first pass's bulk loads the test runs ANALYZE, as autovacuum would", av)
			}
			for i, step := range steps {
				if i <= 1 && db.name == "postgres" {
					start := time.Now()
					if err := g.Exec("ANALYZE").Error; err != nil {
						t.Fatal(err)
					}
					t.Logf("postgres: ANALYZE took %v (not part of the figures)", time.Since(start).Round(time.Millisecond))
				}
				if step.prep != nil {
					step.prep()
				}
				runtime.GC()
				debug.FreeOSMemory()
				hwmReset := resetHWM()
				hwmBefore := procStatusKB("VmHWM")
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				peak := startMemPeak(10 * time.Millisecond)
				start := time.Now()
				err := a.sched.planner.Run(ctx)
				took := time.Since(start)
				heap, sys := peak.stop()
				hwmAfter := procStatusKB("VmHWM")
				if err != nil {
					t.Fatalf("%s: %v", step.label, err)
				}
				st := capture.last()
				pending, err := a.db.CountReminders(ctx, bot.ReminderPending, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					t.Logf("%s: seeded %d plans in %d tenants (%d people) in %v (not part of the figure)",
						db.name, st["plans"], len(tenants), len(tenants)*(planLoadPerTenant+planLoadPerTenant/planLoadTeam+1), seeded.Round(time.Second))
				}
				if (i == 1 || i == 2) && st["created"] != 0 {
					t.Errorf("%s created %d rows", step.label, st["created"])
				}
				if step.check != nil {
					step.check(st)
				}
				t.Logf("%s %s: plans %d, rows wanted %d, created %d, cancelled %d, pending rows stored %d; took %v (%.0f plans/s)",
					db.name, step.label, st["plans"], st["wanted"], st["created"], st["cancelled"], pending,
					took.Round(time.Millisecond), float64(st["plans"])/took.Seconds())
				t.Logf("%s %s: peak HeapInuse %.1f MiB (%.1f MiB before), peak Sys %.1f MiB; VmHWM %s %d → %d MiB",
					db.name, step.label, mib(heap), mib(base.HeapInuse), mib(sys), hwmReset, hwmBefore/1024, hwmAfter/1024)
			}
		})
	}
}

// planLoadStep is one pass of TestPlanLoad: prep changes the data first.
type planLoadStep struct {
	label string
	prep  func()
	check func(counts map[string]int64)
}

// planLoadSteps are the passes TestPlanLoad times, in order. The 1,000
// changed plans are the first 100 of each tenant: half post this week's
// update (their weekly reminder and escalation are cancelled), half have
// their end date moved a week later (their ending prompts move, and the
// plan is stamped as saved).
func planLoadSteps(t *testing.T, a *app, g *gorm.DB, tenants []string, now time.Time) []planLoadStep {
	ctx := context.Background()
	return []planLoadStep{
		{label: "full pass (empty outbox)"},
		{label: "full pass again (rows stored)", prep: a.sched.planner.RequestFull},
		{label: "incremental pass, nothing changed", check: func(st map[string]int64) {
			if st["plans"] != 0 {
				t.Errorf("the incremental pass with nothing changed planned %d plans", st["plans"])
			}
		}},
		{label: "incremental pass after 1,000 plans changed", prep: func() {
			for _, tenant := range tenants {
				plans, err := a.db.ListPlans(ctx, tenant, bot.PlanQuery{})
				if err != nil {
					t.Fatal(err)
				}
				slices.SortFunc(plans, func(x, y *bot.Plan) int { return x.Number - y.Number })
				for i, p := range plans[:100] {
					if i%2 == 0 {
						err = a.db.AddUpdate(ctx, &bot.Update{Tenant: tenant, PlanID: p.ID, AuthorID: p.EmployeeID,
							Week: bot.WeekKey(now, time.UTC), Text: "本周拜访5家客户", At: now})
					} else {
						err = g.Table("plans").Where("id = ?", p.ID).
							Updates(map[string]any{"end_at": seedTime(p.End.AddDate(0, 0, 7)), "updated_at": seedTime(now)}).Error
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			}
		}, check: func(st map[string]int64) {
			if st["plans"] != 1000 || st["cancelled"] == 0 {
				t.Errorf("the incremental pass after 1,000 changes planned %d plans and cancelled %d rows", st["plans"], st["cancelled"])
			}
		}},
	}
}
