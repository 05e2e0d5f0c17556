package storage

import (
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
	"gorm.io/gorm"
)

// legacyAction is an action as plans stored it before owners and time nodes.
type legacyAction struct {
	No        int              `json:"no"`
	What      string           `json:"what"`
	Owner     string           `json:"owner,omitempty"`
	Cadence   string           `json:"cadence,omitempty"`
	Due       time.Time        `json:"due,omitempty"`
	Resources string           `json:"resources,omitempty"`
	Measure   string           `json:"measure,omitempty"`
	Status    bot.ActionStatus `json:"status"`
	DoneAt    time.Time        `json:"done_at,omitempty"`
}

// legacyPlanRow is the plans table as it was when a plan held one gap.
type legacyPlanRow struct {
	ID           int64  `gorm:"primaryKey;autoIncrement"`
	Tenant       string `gorm:"size:191;not null;uniqueIndex:uq_plans_tenant_number,priority:1"`
	Number       int    `gorm:"not null;uniqueIndex:uq_plans_tenant_number,priority:2"`
	Version      int    `gorm:"not null"`
	Platform     string `gorm:"size:32;not null"`
	Title        string
	EmployeeID   string `gorm:"size:191;not null"`
	ManagerID    string `gorm:"size:191;not null"`
	MentorID     string `gorm:"size:191;not null"`
	CreatedBy    string `gorm:"size:191;not null"`
	EmployeeType string `gorm:"size:32;not null"`
	TeamVisible  bool   `gorm:"not null"`
	Status       string `gorm:"size:32;not null"`
	Cycle        int    `gorm:"not null"`
	StartAt      *time.Time
	EndAt        *time.Time
	Gap          bot.Gap         `gorm:"serializer:json"`
	Causes       []bot.RootCause `gorm:"serializer:json"`
	Goals        []bot.Goal      `gorm:"serializer:json"`
	Actions      []legacyAction  `gorm:"serializer:json"`
	Outcome      string          `gorm:"size:32;not null"`
	StartedAt    *time.Time
}

func (legacyPlanRow) TableName() string { return "plans" }

// TestPlanMigrateLegacy: a plan stored with one gap and employee actions
// with free-text cadences reads, after Migrate, as one core problem of
// priority 1 holding its causes, goals addressing it, employee-owned
// actions and structured time nodes; a cadence no longer readable keeps
// its text; nothing typed is lost, and a save keeps it so.
func TestPlanMigrateLegacy(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		ctx := t.Context()
		db, g := openLegacy(t, dsn, &legacyPlanRow{})
		gap := bot.Gap{Metric: "季度销售额", Target: 500000, Actual: 350000, Unit: "元"}
		causes := []bot.RootCause{{Dimension: bot.DimPerson, Text: "客户跟进不及时"}, {Dimension: bot.DimWork, Text: "目标不清"}}
		old := legacyPlanRow{Tenant: "t-legacy", Number: 1, Version: 3, Platform: "lark", EmployeeID: "ou_emp", ManagerID: "ou_mgr",
			CreatedBy: "ou_emp", EmployeeType: "under_performer", Status: "active", Cycle: 1, StartAt: toDBTime(at(1, 0)),
			Gap: gap, Causes: causes,
			Goals: []bot.Goal{{No: 1, Metric: "季度销售额", Baseline: 350000, Target: 500000, Unit: "元", Deadline: at(30, 0), Current: 400000, Updated: true}},
			Actions: []legacyAction{
				{No: 1, What: "更新客户拜访记录", Cadence: "每周五 17:00", Resources: "CRM", Measure: "拜访数", Status: bot.ActionInProgress},
				{No: 2, What: "产品培训", Due: bot.DateOnly(at(10, 0)), Status: bot.ActionDone, DoneAt: at(9, 18)},
				{No: 3, What: "和导师复盘", Owner: "ou_emp", Cadence: "看情况", Status: bot.ActionNotStarted},
				{No: 4, What: "陪访", Owner: "ou_coach", Cadence: "every other Monday 9am", Status: bot.ActionNotStarted},
			}}
		if err := g.Create(&old).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		got, err := db.PlanByNumber(ctx, "t-legacy", 1)
		if err != nil {
			t.Fatal(err)
		}
		wantProblems := []bot.Problem{{No: 1, Priority: 1, Gap: gap, Causes: causes}}
		if diff := cmp.Diff(wantProblems, got.Problems); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
		if len(got.Goals) != 1 || got.Goals[0].Problem != 1 || got.Goals[0].Current != 400000 {
			t.Errorf("goals = %+v, want the one goal addressing problem 1 with its progress", got.Goals)
		}
		wantActions := []bot.Action{
			{No: 1, What: "更新客户拜访记录", OwnerKind: bot.OwnerEmployee, Resources: "CRM", Measure: "拜访数", Status: bot.ActionInProgress,
				When: bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Friday}, Clock: "17:00"}},
			{No: 2, What: "产品培训", OwnerKind: bot.OwnerEmployee, Status: bot.ActionDone, DoneAt: at(9, 18),
				When: bot.TimeNode{Repeat: bot.RepeatOnce, Date: bot.DateOnly(at(10, 0))}},
			{No: 3, What: "和导师复盘", OwnerKind: bot.OwnerEmployee, Status: bot.ActionNotStarted, When: bot.TimeNode{Text: "看情况"}},
			{No: 4, What: "陪访", OwnerKind: bot.OwnerPerson, Owner: "ou_coach", Status: bot.ActionNotStarted,
				When: bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Monday}, Every: 2, Clock: "09:00"}},
		}
		if diff := cmp.Diff(wantActions, got.Actions, msEqual); diff != "" {
			t.Errorf("actions (-want +got):\n%s", diff)
		}
		// Saved in the new form, the plan reads back the same.
		if err := db.SavePlan(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, err := db.PlanByNumber(ctx, "t-legacy", 1)
		if err != nil {
			t.Fatal(err)
		}
		got.Version = again.Version
		if diff := cmp.Diff(got, again, msEqual); diff != "" {
			t.Errorf("after a save (-first read +second):\n%s", diff)
		}
		// A problem removed after the migration stays removed.
		again.Problems = nil
		if err := db.SavePlan(ctx, again); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.PlanByNumber(ctx, "t-legacy", 1); p == nil || len(p.Problems) != 0 {
			t.Errorf("a removed legacy problem came back: %+v", p)
		}
	})
}

// openLegacy opens dsn without migrating it and creates the tables of
// models, as an older pipbot left them.
func openLegacy(t *testing.T, dsn string, models ...any) (*DB, *gorm.DB) {
	t.Helper()
	ctx := t.Context()
	db, err := Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	g := db.gdb.WithContext(ctx)
	if db.kind == KindMySQL {
		g = g.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin").Session(&gorm.Session{})
	}
	if err := g.AutoMigrate(models...); err != nil {
		t.Fatal(err)
	}
	return db, g
}
