package storage

import (
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// testTenantIsolation fills tenant A and checks that tenant B can neither
// see nor change any of it, by number or by ID.
func testTenantIsolation(t *testing.T, db *DB) {
	ctx := t.Context()
	const a, b = "t-iso-a", "t-iso-b"
	p := mustCreate(t, db, fullPlan(a))
	mustCreate(t, db, newPlan(b, "own", "m")) // B's own plan #1 must not be A's #1
	upd := bot.Update{Tenant: a, PlanID: p.ID, AuthorID: "e", Text: "private", At: at(5, 17)}
	iv := bot.Interview{Tenant: a, PlanID: p.ID, At: at(20, 15), Status: bot.InterviewBooked}
	adj := bot.Adjustment{Tenant: a, PlanID: p.ID, Goal: 1, From: 1, To: 2, Status: bot.AdjustPending, ProposedAt: at(6, 9)}
	for _, err := range []error{
		db.AddUpdate(ctx, &upd),
		db.SaveInterview(ctx, &iv),
		db.AddReview(ctx, &bot.Review{Tenant: a, PlanID: p.ID, Month: "2026-11", At: at(25, 10)}),
		db.SaveAdjustment(ctx, &adj),
		db.AddNote(ctx, &bot.Note{Tenant: a, PlanID: p.ID, Text: "private", At: at(6, 9)}),
		db.AppendAudit(ctx, &bot.AuditEntry{Tenant: a, PlanID: p.ID, Action: "plan.create", At: at(1, 9)}),
		db.SavePerson(ctx, bot.Person{Tenant: a, ID: "ou_emp", Name: "Emp"}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	own, err := db.PlanByNumber(ctx, b, p.Number)
	if err != nil {
		t.Fatal(err)
	}
	if own.ID == p.ID || own.Tenant != b {
		t.Fatalf("tenant B's #%d is tenant A's plan", p.Number)
	}
	_, err = db.PlanByID(ctx, b, p.ID)
	wantCode(t, err, bot.ErrNotFound, bot.ENOTFOUND)
	_, err = db.PlanByNumber(ctx, b, 99)
	wantCode(t, err, bot.ErrNotFound, bot.ENOTFOUND)
	list, err := db.ListPlans(ctx, b, bot.PlanQuery{EmployeeID: p.EmployeeID})
	if err != nil || len(list) != 0 {
		t.Errorf("ListPlans(B, A's employee) = %d plans, %v; want none", len(list), err)
	}

	stolen := *p
	stolen.Tenant, stolen.Title = b, "hijacked"
	wantCode(t, db.SavePlan(ctx, &stolen), bot.ErrNotFound, bot.ENOTFOUND)
	ivB, adjB := iv, adj
	ivB.Tenant, ivB.Notes = b, "hijacked"
	adjB.Tenant, adjB.Reason = b, "hijacked"
	wantCode(t, db.SaveInterview(ctx, &ivB), bot.ErrNotFound, bot.ENOTFOUND)
	wantCode(t, db.SaveAdjustment(ctx, &adjB), bot.ErrNotFound, bot.ENOTFOUND)
	if got, err := db.PlanByID(ctx, a, p.ID); err != nil || got.Title != p.Title || got.Version != 1 {
		t.Fatalf("A's plan after B's attempt: %+v, %v", got, err)
	}
	if ivs, err := db.Interviews(ctx, a, p.ID); err != nil || len(ivs) != 1 || ivs[0].Notes != "" {
		t.Fatalf("A's interviews after B's attempt: %+v, %v", ivs, err)
	}
	if adjs, err := db.Adjustments(ctx, a, p.ID); err != nil || len(adjs) != 1 || adjs[0].Reason != "" {
		t.Fatalf("A's adjustments after B's attempt: %+v, %v", adjs, err)
	}

	counts := map[string]func() (int, error){
		"Updates":       func() (int, error) { x, err := db.Updates(ctx, b, p.ID); return len(x), err },
		"LatestUpdates": func() (int, error) { x, err := db.LatestUpdates(ctx, b, []int64{p.ID}); return len(x), err },
		"Interviews":    func() (int, error) { x, err := db.Interviews(ctx, b, p.ID); return len(x), err },
		"Reviews":       func() (int, error) { x, err := db.Reviews(ctx, b, p.ID); return len(x), err },
		"Adjustments":   func() (int, error) { x, err := db.Adjustments(ctx, b, p.ID); return len(x), err },
		"Notes":         func() (int, error) { x, err := db.Notes(ctx, b, p.ID); return len(x), err },
		"Audit":         func() (int, error) { x, err := db.Audit(ctx, b, p.ID); return len(x), err },
		"People":        func() (int, error) { x, err := db.People(ctx, b); return len(x), err },
		"PlanRecords": func() (int, error) {
			x, err := db.PlanRecords(ctx, b, []int64{p.ID})
			return len(x[p.ID].Notes) + len(x[p.ID].Updates) + len(x[p.ID].Interviews), err
		},
	}
	for name, count := range counts {
		if n, err := count(); err != nil || n != 0 {
			t.Errorf("%s as tenant B = %d rows, %v; want none", name, n, err)
		}
	}
	_, err = db.Person(ctx, b, "ou_emp")
	wantCode(t, err, bot.ErrNotFound, bot.ENOTFOUND)
}
