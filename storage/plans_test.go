package storage

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

// fullPlan sets every field of a plan, nested ones included, with some
// times zero on purpose.
func fullPlan(tenant string) *bot.Plan {
	return &bot.Plan{
		Tenant: tenant, Platform: "lark", Title: "销售额提升计划 Q4",
		EmployeeID: "ou_emp", ManagerID: "ou_mgr", MentorID: "ou_mentor", CreatedBy: "ou_mgr",
		EmployeeType: bot.TypeNewHire, TeamVisible: true,
		Status: bot.StatusActive, Cycle: 2, Start: at(2, 0), End: at(30, 0),
		Problems: []bot.Problem{
			{No: 1, Priority: 2, Gap: bot.Gap{Metric: "quarterly sales", Target: 500000, Actual: 350000.5, Unit: "CNY"},
				Causes: []bot.RootCause{{Dimension: bot.DimPerson, Text: "需要加强产品知识"}, {Dimension: bot.DimWork, Text: "unclear goals"}}},
			{No: 2, Priority: 1, Gap: bot.Gap{Metric: "客户投诉率", Target: 3, Actual: 8, Unit: "%"},
				Causes: []bot.RootCause{{Dimension: bot.DimEnvironment, Text: "交接不清"}}},
		},
		Goals: []bot.Goal{
			{No: 1, Problem: 2, Metric: "complaint rate", Baseline: 8, Target: 3, Unit: "%", Deadline: at(20, 0), Current: 5.25, Updated: true},
			{No: 2, Problem: 1, Metric: "visits", Baseline: 10, Target: 25, Deadline: time.Time{}},
		},
		Actions: []bot.Action{
			{No: 1, What: "update visit records", OwnerKind: bot.OwnerEmployee, Resources: "CRM", Measure: "records", Status: bot.ActionInProgress,
				When: bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Monday, time.Friday}, Every: 2, Clock: "17:00", By: true}},
			{No: 2, What: "training", OwnerKind: bot.OwnerHR, When: bot.TimeNode{Repeat: bot.RepeatOnce, Date: bot.DateOnly(at(10, 0))},
				Status: bot.ActionDone, DoneAt: at(9, 18), DoneBy: "ou_hr"},
			{No: 3, What: "1:1", OwnerKind: bot.OwnerPerson, Owner: "ou_coach", When: bot.TimeNode{Repeat: bot.RepeatMonthly, Day: 25, Clock: "10:00"}, Status: bot.ActionNotStarted},
			{No: 4, What: "stand-up", OwnerKind: bot.OwnerManager, When: bot.TimeNode{Repeat: bot.RepeatWorkdays, Clock: "09:00"}, Status: bot.ActionDelayed},
		},
		Reason: "needs clearer targets", ApprovedAt: at(2, 10), AckedAt: at(3, 11), StartedAt: at(3, 11),
		Outcome: bot.OutcomeExtended, Lessons: "small steps work",
		CreatedAt: at(1, 9), UpdatedAt: at(3, 11),
	}
}

func testPlanRoundTrip(t *testing.T, db *DB) {
	ctx := t.Context()
	p := fullPlan("t-roundtrip")
	p.ID, p.Number, p.Version = 99, 42, 7 // ignored on create
	mustCreate(t, db, p)
	if p.ID == 0 || p.ID == 99 || p.Number != 1 || p.Version != 1 {
		t.Fatalf("after create: ID %d Number %d Version %d, want new ID, 1, 1", p.ID, p.Number, p.Version)
	}

	got, err := db.PlanByNumber(ctx, p.Tenant, 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got, msEqual); diff != "" {
		t.Fatalf("PlanByNumber (-want +got):\n%s", diff)
	}
	if got.Start.Location() != time.UTC || got.Start.Nanosecond()%int(time.Millisecond) != 0 {
		t.Errorf("Start = %v, want UTC at millisecond precision", got.Start)
	}
	if !got.ClosedAt.IsZero() || !got.Goals[1].Deadline.IsZero() || !got.Actions[0].When.Date.IsZero() {
		t.Errorf("zero times did not round-trip as zero: %v %v %v", got.ClosedAt, got.Goals[1].Deadline, got.Actions[0].When.Date)
	}
	byID, err := db.PlanByID(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, byID); diff != "" {
		t.Fatalf("PlanByID differs from PlanByNumber:\n%s", diff)
	}

	// Save a changed aggregate: new nested values, a time set, times cleared.
	got.Title = "revised"
	got.Status = bot.StatusClosed
	got.Goals[0].Current = 3
	got.Goals = append(got.Goals, bot.Goal{No: 3, Metric: "nps", Target: 60, Deadline: at(25, 0)})
	got.Problems = got.Problems[:1]
	got.Problems[0].Causes = nil
	got.Actions[1].Status = bot.ActionDelayed
	got.ClosedAt = at(28, 16)
	got.ApprovedAt = time.Time{}
	got.MentorID = ""
	got.TeamVisible = false
	got.UpdatedAt = at(28, 16)
	got.CreatedAt = at(28, 16) // CreatedAt never changes on save
	if err := db.SavePlan(ctx, got); err != nil {
		t.Fatalf("SavePlan: %v", err)
	}
	if got.Version != 2 {
		t.Fatalf("Version after save = %d, want 2", got.Version)
	}
	again, err := db.PlanByID(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := *got
	want.CreatedAt = p.CreatedAt
	if diff := cmp.Diff(&want, again, msEqual); diff != "" {
		t.Fatalf("after SavePlan (-want +got):\n%s", diff)
	}
}

func testEmptyPlanRoundTrip(t *testing.T, db *DB) {
	p := mustCreate(t, db, &bot.Plan{Tenant: "t-empty"})
	got, err := db.PlanByID(t.Context(), p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Fatalf("zero plan (-want +got):\n%s", diff)
	}
}

func testVersionConflict(t *testing.T, db *DB) {
	ctx := t.Context()
	p := mustCreate(t, db, newPlan("t-conflict", "e", "m"))
	a, err := db.PlanByID(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.PlanByID(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	a.Title = "first writer"
	if err := db.SavePlan(ctx, a); err != nil {
		t.Fatalf("first save: %v", err)
	}
	b.Title = "second writer"
	wantCode(t, db.SavePlan(ctx, b), bot.ErrConflict, bot.ECONFLICT)
	if b.Version != 1 {
		t.Errorf("a refused save changed Version to %d", b.Version)
	}
	got, err := db.PlanByID(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "first writer" || got.Version != 2 {
		t.Errorf("stored %q v%d, want %q v2", got.Title, got.Version, "first writer")
	}
	// Saving the same version twice is a conflict too.
	a.Version = 1
	wantCode(t, db.SavePlan(ctx, a), bot.ErrConflict, bot.ECONFLICT)

	missing := newPlan(p.Tenant, "e", "m")
	missing.ID, missing.Version = p.ID+1000, 1
	wantCode(t, db.SavePlan(ctx, missing), bot.ErrNotFound, bot.ENOTFOUND)
}

// testConcurrentNumbers creates plans from two goroutines in one tenant, one
// of them inside transactions, and expects numbers 1..20 exactly once.
func testConcurrentNumbers(t *testing.T, db *DB) {
	const tenant, perWorker = "t-numbers", 10
	var wg sync.WaitGroup
	errs := make(chan error, 2*perWorker)
	for w := range 2 {
		wg.Go(func() {
			for i := range perWorker {
				p := newPlan(tenant, fmt.Sprintf("e%d-%d", w, i), "m")
				var err error
				if w == 0 {
					err = db.CreatePlan(t.Context(), p)
				} else {
					err = db.InTx(t.Context(), func(tx bot.Store) error {
						if err := tx.CreatePlan(t.Context(), p); err != nil {
							return err
						}
						return tx.AppendAudit(t.Context(), &bot.AuditEntry{Tenant: tenant, PlanID: p.ID, Action: "plan.create", At: at(1, 9)})
					})
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("CreatePlan: %v", err)
	}
	plans, err := db.ListPlans(t.Context(), tenant, bot.PlanQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 2*perWorker {
		t.Fatalf("got %d plans, want %d", len(plans), 2*perWorker)
	}
	for i, p := range plans {
		if p.Number != i+1 {
			t.Fatalf("plan %d has number %d, want %d (numbers must be 1..%d, unique)", i, p.Number, i+1, 2*perWorker)
		}
	}
}

func testListPlans(t *testing.T, db *DB) {
	const tenant = "t-list"
	mk := func(emp, mgr, mentor string, s bot.Status, o bot.Outcome) {
		p := newPlan(tenant, emp, mgr)
		p.MentorID, p.Status, p.Outcome = mentor, s, o
		mustCreate(t, db, p)
	}
	mk("alice", "mia", "", bot.StatusActive, "")                     // 1
	mk("bob", "mia", "carol", bot.StatusDraft, "")                   // 2
	mk("carol", "nick", "", bot.StatusClosed, bot.OutcomeAchieved)   // 3
	mk("dave", "carol", "", bot.StatusActive, "")                    // 4
	mk("erin", "nick", "mia", bot.StatusClosed, bot.OutcomeExtended) // 5
	mustCreate(t, db, newPlan("t-list-other", "alice", "mia"))

	for _, tc := range []struct {
		name string
		q    bot.PlanQuery
		want []int
	}{
		{"all", bot.PlanQuery{}, []int{1, 2, 3, 4, 5}},
		{"employee", bot.PlanQuery{EmployeeID: "alice"}, []int{1}},
		{"manager", bot.PlanQuery{ManagerID: "mia"}, []int{1, 2}},
		{"mentor", bot.PlanQuery{MentorID: "mia"}, []int{5}},
		{"involved", bot.PlanQuery{InvolvedID: "carol"}, []int{2, 3, 4}},
		{"involved mia", bot.PlanQuery{InvolvedID: "mia"}, []int{1, 2, 5}},
		{"statuses", bot.PlanQuery{Statuses: []bot.Status{bot.StatusActive, bot.StatusDraft}}, []int{1, 2, 4}},
		{"outcome", bot.PlanQuery{Outcome: bot.OutcomeAchieved}, []int{3}},
		{"limit", bot.PlanQuery{Limit: 2}, []int{1, 2}},
		{"manager and status", bot.PlanQuery{ManagerID: "nick", Statuses: []bot.Status{bot.StatusClosed}}, []int{3, 5}},
		{"involved and status", bot.PlanQuery{InvolvedID: "mia", Statuses: []bot.Status{bot.StatusClosed}}, []int{5}},
		{"no match", bot.PlanQuery{EmployeeID: "zed"}, []int{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plans, err := db.ListPlans(t.Context(), tenant, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			got := []int{}
			for _, p := range plans {
				got = append(got, p.Number)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("numbers (-want +got):\n%s", diff)
			}
		})
	}
}

func testInTx(t *testing.T, db *DB) {
	ctx := t.Context()
	const tenant = "t-tx"
	boom := fmt.Errorf("boom")
	var created *bot.Plan
	err := db.InTx(ctx, func(tx bot.Store) error {
		created = newPlan(tenant, "e", "m")
		if err := tx.CreatePlan(ctx, created); err != nil {
			return err
		}
		// A nested InTx reuses the transaction, so the plan is visible to it.
		return tx.InTx(ctx, func(inner bot.Store) error {
			if _, err := inner.PlanByID(ctx, tenant, created.ID); err != nil {
				return err
			}
			return boom
		})
	})
	if err != boom {
		t.Fatalf("InTx = %v, want fn's error unchanged", err)
	}
	wantCode(t, func() error { _, err := db.PlanByID(ctx, tenant, created.ID); return err }(), bot.ErrNotFound, bot.ENOTFOUND)

	err = db.InTx(ctx, func(tx bot.Store) error {
		p := newPlan(tenant, "e", "m")
		if err := tx.CreatePlan(ctx, p); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &bot.AuditEntry{Tenant: tenant, PlanID: p.ID, Action: "plan.create", At: at(1, 9)})
	})
	if err != nil {
		t.Fatal(err)
	}
	plans, err := db.ListPlans(ctx, tenant, bot.PlanQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 || plans[0].Number != 1 {
		t.Fatalf("after rollback and commit: %d plans, want one numbered 1 (a rollback frees its number)", len(plans))
	}
}

// testMigrateKeepsData migrates a database that holds data.
func testMigrateKeepsData(t *testing.T, db *DB) {
	p := mustCreate(t, db, newPlan("t-migrate", "e", "m"))
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if _, err := db.PlanByID(t.Context(), p.Tenant, p.ID); err != nil {
		t.Fatalf("after Migrate: %v", err)
	}
}
