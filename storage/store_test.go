package storage

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestStore runs the contract suite on SQLite, and on PostgreSQL and MySQL
// when their variables are set.
func TestStore(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openTestDB(t, dsn)
		testStore(t, db, dsn)
	})
}

// openTestDB opens and migrates dsn, twice to prove Migrate idempotent.
func openTestDB(t *testing.T, dsn string) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	for i := range 2 {
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate #%d: %v", i+1, err)
		}
	}
	return db
}

// testStore is the contract of bot.Store and of the inbox; every database
// must pass it. Each subtest works in its own tenant (or inbox source); dsn
// names db's database, for subtests that reopen it.
func testStore(t *testing.T, db *DB, dsn string) {
	t.Run("Ping", func(t *testing.T) {
		if err := db.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("PlanRoundTrip", func(t *testing.T) { testPlanRoundTrip(t, db) })
	t.Run("EmptyPlanRoundTrip", func(t *testing.T) { testEmptyPlanRoundTrip(t, db) })
	t.Run("VersionConflict", func(t *testing.T) { testVersionConflict(t, db) })
	t.Run("ConcurrentNumbers", func(t *testing.T) { testConcurrentNumbers(t, db) })
	t.Run("ListPlans", func(t *testing.T) { testListPlans(t, db) })
	t.Run("InTx", func(t *testing.T) { testInTx(t, db) })
	t.Run("Updates", func(t *testing.T) { testUpdates(t, db) })
	t.Run("LatestUpdates", func(t *testing.T) { testLatestUpdates(t, db) })
	t.Run("Interviews", func(t *testing.T) { testInterviews(t, db) })
	t.Run("Reviews", func(t *testing.T) { testReviews(t, db) })
	t.Run("Adjustments", func(t *testing.T) { testAdjustments(t, db) })
	t.Run("Notes", func(t *testing.T) { testNotes(t, db) })
	t.Run("PlanRecords", func(t *testing.T) { testPlanRecords(t, db) })
	t.Run("LastTracking", func(t *testing.T) { testLastTracking(t, db) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, db) })
	t.Run("People", func(t *testing.T) { testPeople(t, db) })
	t.Run("TenantIsolation", func(t *testing.T) { testTenantIsolation(t, db) })
	t.Run("TeamChats", func(t *testing.T) { testTeamChats(t, db) })
	t.Run("RiskMarks", func(t *testing.T) { testRiskMarks(t, db) })
	t.Run("CalendarYears", func(t *testing.T) { testCalendarYears(t, db) })
	t.Run("MigrateKeepsData", func(t *testing.T) { testMigrateKeepsData(t, db) })
	t.Run("Inbox", func(t *testing.T) { testInbox(t, db, dsn) })
}

// msEqual compares times as the store keeps them: the same instant at
// millisecond precision, whatever the location.
var msEqual = cmp.Comparer(func(a, b time.Time) bool {
	return a.Truncate(time.Millisecond).Equal(b.Truncate(time.Millisecond))
})

// at is a time in Shanghai with nanoseconds, to exercise UTC conversion and
// millisecond truncation.
func at(day, hour int) time.Time {
	return time.Date(2026, 11, day, hour, 30, 15, 123456789, time.FixedZone("CST", 8*3600))
}

func wantCode(t *testing.T, err error, sentinel error, code bot.Code) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
	if got := bot.ErrorCode(err); got != code {
		t.Fatalf("ErrorCode = %q, want %q", got, code)
	}
}

func mustCreate(t *testing.T, db *DB, p *bot.Plan) *bot.Plan {
	t.Helper()
	if err := db.CreatePlan(t.Context(), p); err != nil {
		t.Fatalf("CreatePlan: %v", err)
	}
	return p
}

// newPlan is a minimal plan of a tenant.
func newPlan(tenant, employee, manager string) *bot.Plan {
	return &bot.Plan{
		Tenant: tenant, Platform: "console", Title: "improve " + employee,
		EmployeeID: employee, ManagerID: manager, CreatedBy: manager,
		EmployeeType: bot.TypeUnderPerformer, Status: bot.StatusDraft, Cycle: 1,
		CreatedAt: at(1, 9), UpdatedAt: at(1, 9),
	}
}
