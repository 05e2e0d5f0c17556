package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage"
)

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
	now := seedTime(s.now.Add(-24 * time.Hour)) // the directory as of yesterday: no person counts as changed
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
