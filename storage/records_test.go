package storage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

func testUpdates(t *testing.T, db *DB) {
	ctx := t.Context()
	p := mustCreate(t, db, newPlan("t-updates", "e", "m"))
	adds := []bot.Update{
		{Tenant: p.Tenant, PlanID: p.ID, AuthorID: "e", Week: "2026-W46", Text: "second", Values: []bot.GoalValue{{Goal: 1, Value: 6.5}}, At: at(12, 17)},
		{Tenant: p.Tenant, PlanID: p.ID, AuthorID: "e", Week: "2026-W45", Text: "first", Values: []bot.GoalValue{{Goal: 1, Value: 7}, {Goal: 2, Value: 12}}, At: at(5, 17)},
		{Tenant: p.Tenant, PlanID: p.ID, AuthorID: "m", Week: "2026-W46", Text: "same time, added later", At: at(12, 17)},
	}
	for i := range adds {
		if err := db.AddUpdate(ctx, &adds[i]); err != nil {
			t.Fatal(err)
		}
		if adds[i].ID == 0 {
			t.Fatal("AddUpdate did not set ID")
		}
	}
	got, err := db.Updates(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Update{adds[1], adds[0], adds[2]} // by At, then ID
	if diff := cmp.Diff(want, got, msEqual); diff != "" {
		t.Fatalf("Updates (-want +got):\n%s", diff)
	}
}

func testLatestUpdates(t *testing.T, db *DB) {
	ctx := t.Context()
	const tenant = "t-latest"
	a := mustCreate(t, db, newPlan(tenant, "a", "m"))
	b := mustCreate(t, db, newPlan(tenant, "b", "m"))
	c := mustCreate(t, db, newPlan(tenant, "c", "m")) // no updates
	add := func(p *bot.Plan, text string, when time.Time) bot.Update {
		u := bot.Update{Tenant: tenant, PlanID: p.ID, AuthorID: p.EmployeeID, Week: "w", Text: text, At: when}
		if err := db.AddUpdate(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	add(a, "a old", at(5, 17))
	aNew := add(a, "a new", at(19, 17))
	add(a, "a older, added last", at(1, 17))
	add(b, "b tie 1", at(12, 17))
	bNew := add(b, "b tie 2", at(12, 17)) // same At: the higher ID wins

	got, err := db.LatestUpdates(ctx, tenant, []int64{a.ID, b.ID, c.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]bot.Update{a.ID: aNew, b.ID: bNew}
	if diff := cmp.Diff(want, got, msEqual); diff != "" {
		t.Fatalf("LatestUpdates (-want +got):\n%s", diff)
	}
	only, err := db.LatestUpdates(ctx, tenant, []int64{b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(only) != 1 || only[b.ID].Text != "b tie 2" {
		t.Errorf("LatestUpdates(b) = %v", only)
	}
	none, err := db.LatestUpdates(ctx, tenant, nil)
	if err != nil || len(none) != 0 {
		t.Errorf("LatestUpdates(nil) = %v, %v; want empty", none, err)
	}
}

func testInterviews(t *testing.T, db *DB) {
	ctx := t.Context()
	p := mustCreate(t, db, newPlan("t-interviews", "e", "m"))
	other := mustCreate(t, db, newPlan("t-interviews", "f", "m"))
	later := bot.Interview{
		Tenant: p.Tenant, PlanID: p.ID, At: at(20, 15), Minutes: 50, Agenda: bot.DefaultAgenda(),
		Attendees: []string{"e", "m", "hr"}, Status: bot.InterviewBooked, BookedBy: "m", BookedAt: at(10, 9),
	}
	sooner := bot.Interview{Tenant: p.Tenant, PlanID: p.ID, At: at(15, 10), Minutes: 30, Status: bot.InterviewBooked, BookedBy: "m", BookedAt: at(11, 9)}
	for _, iv := range []*bot.Interview{&later, &sooner} {
		if err := db.SaveInterview(ctx, iv); err != nil {
			t.Fatal(err)
		}
	}
	if later.ID == 0 || later.No != 1 || sooner.No != 2 {
		t.Fatalf("IDs/Nos = %d/%d, %d/%d; want new IDs numbered 1, 2", later.ID, later.No, sooner.ID, sooner.No)
	}
	first := bot.Interview{Tenant: p.Tenant, PlanID: other.ID, At: at(16, 10), Status: bot.InterviewBooked}
	if err := db.SaveInterview(ctx, &first); err != nil {
		t.Fatal(err)
	}
	if first.No != 1 {
		t.Errorf("another plan's first interview is No %d, want 1", first.No)
	}

	later.Status = bot.InterviewDone
	later.Notes = "agreed on targets"
	later.EmployeeOK, later.ManagerOK = at(20, 16), at(20, 17)
	later.No = 9 // No never changes on update
	if err := db.SaveInterview(ctx, &later); err != nil {
		t.Fatalf("update: %v", err)
	}
	later.No = 1
	// Saving unchanged values must not look like a missing row (MySQL
	// counts changed rows unless told otherwise).
	if err := db.SaveInterview(ctx, &later); err != nil {
		t.Fatalf("update without change: %v", err)
	}
	got, err := db.Interviews(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bot.Interview{sooner, later}, got, msEqual); diff != "" {
		t.Fatalf("Interviews (-want +got):\n%s", diff)
	}
	missing := later
	missing.ID = later.ID + 1000
	wantCode(t, db.SaveInterview(ctx, &missing), bot.ErrNotFound, bot.ENOTFOUND)
}

func testReviews(t *testing.T, db *DB) {
	ctx := t.Context()
	p := mustCreate(t, db, newPlan("t-reviews", "e", "m"))
	dec := bot.Review{
		Tenant: p.Tenant, PlanID: p.ID, Month: "2026-12", ReviewerID: "m",
		Goals:      []bot.GoalResult{{Goal: 1, Metric: "complaint rate", Target: 3, Actual: 3.5, Unit: "%"}},
		Assessment: "close", NextSteps: "keep going", At: at(25, 10).AddDate(0, 1, 0),
	}
	nov := bot.Review{Tenant: p.Tenant, PlanID: p.ID, Month: "2026-11", ReviewerID: "m", Assessment: "started", At: at(25, 10)}
	for _, r := range []*bot.Review{&dec, &nov} {
		if err := db.AddReview(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 {
			t.Fatal("AddReview did not set ID")
		}
	}
	got, err := db.Reviews(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bot.Review{nov, dec}, got, msEqual); diff != "" {
		t.Fatalf("Reviews (-want +got):\n%s", diff)
	}
}

func testAdjustments(t *testing.T, db *DB) {
	ctx := t.Context()
	p := mustCreate(t, db, newPlan("t-adjust", "e", "m"))
	a := bot.Adjustment{
		Tenant: p.Tenant, PlanID: p.ID, Goal: 1, From: 500000, To: 450000.25, Reason: "market shrank",
		ProposedBy: "m", ProposedAt: at(10, 9), Status: bot.AdjustPending, Quarter: "2026-Q4",
	}
	b := bot.Adjustment{Tenant: p.Tenant, PlanID: p.ID, Goal: 2, From: 25, To: 20, ProposedBy: "m", ProposedAt: at(11, 9), Status: bot.AdjustPending, Quarter: "2026-Q4"}
	for _, x := range []*bot.Adjustment{&a, &b} {
		if err := db.SaveAdjustment(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if a.ID == 0 || a.No != 1 || b.No != 2 {
		t.Fatalf("Nos = %d, %d; want 1, 2", a.No, b.No)
	}
	a.ManagerBy, a.ManagerAt = "m", at(10, 10)
	a.HRBy, a.HRAt = "hr", at(10, 11)
	a.Override = "HR agreed past the limit"
	a.Status, a.DecidedAt = bot.AdjustApplied, at(10, 11)
	b.Status, b.RejectedBy, b.DecidedAt = bot.AdjustRejected, "hr", at(11, 12)
	for _, x := range []*bot.Adjustment{&a, &b} {
		if err := db.SaveAdjustment(ctx, x); err != nil {
			t.Fatalf("update: %v", err)
		}
	}
	got, err := db.Adjustments(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bot.Adjustment{a, b}, got, msEqual); diff != "" {
		t.Fatalf("Adjustments (-want +got):\n%s", diff)
	}
	missing := a
	missing.ID = b.ID + 1000
	wantCode(t, db.SaveAdjustment(ctx, &missing), bot.ErrNotFound, bot.ENOTFOUND)
}

func testNotes(t *testing.T, db *DB) {
	ctx := t.Context()
	p := mustCreate(t, db, newPlan("t-notes", "e", "m"))
	n2 := bot.Note{Tenant: p.Tenant, PlanID: p.ID, AuthorID: "mentor", Text: "better pitch", At: at(9, 17)}
	n1 := bot.Note{Tenant: p.Tenant, PlanID: p.ID, AuthorID: "m", Text: "辅导：客户拜访", At: at(2, 17)}
	for _, n := range []*bot.Note{&n2, &n1} {
		if err := db.AddNote(ctx, n); err != nil {
			t.Fatal(err)
		}
		if n.ID == 0 {
			t.Fatal("AddNote did not set ID")
		}
	}
	got, err := db.Notes(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bot.Note{n1, n2}, got, msEqual); diff != "" {
		t.Fatalf("Notes (-want +got):\n%s", diff)
	}
}

func testAudit(t *testing.T, db *DB) {
	ctx := t.Context()
	p := mustCreate(t, db, newPlan("t-audit", "e", "m"))
	entries := []bot.AuditEntry{
		{Tenant: p.Tenant, PlanID: p.ID, ActorID: "m", Role: bot.RoleManager, Platform: "slack", Action: "plan.create", To: "draft", At: at(1, 9)},
		{Tenant: p.Tenant, PlanID: p.ID, ActorID: "m", Role: bot.RoleManager, Platform: "slack", Action: "plan.approve", From: "submitted", To: "approved", Detail: "v3", At: at(2, 9)},
		{Tenant: p.Tenant, PlanID: p.ID, ActorID: "e", Role: bot.RoleEmployee, Platform: "slack", Action: "plan.ack", From: "approved", To: "active", At: at(2, 9)},
	}
	for i := range entries {
		if err := db.AppendAudit(ctx, &entries[i]); err != nil {
			t.Fatal(err)
		}
		if entries[i].ID == 0 {
			t.Fatal("AppendAudit did not set ID")
		}
	}
	got, err := db.Audit(ctx, p.Tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(entries, got, msEqual); diff != "" {
		t.Fatalf("Audit (-want +got):\n%s", diff)
	}
}

func testPeople(t *testing.T, db *DB) {
	ctx := t.Context()
	const tenant = "t-people"
	zhang := bot.Person{Tenant: tenant, ID: "ou_z", Name: "张三", Locale: bot.LocaleZH, TZ: "Asia/Shanghai", ManagerID: "U1", UpdatedAt: at(1, 9)}
	bob := bot.Person{Tenant: tenant, ID: "U2", Name: "Bob", Locale: bot.LocaleEN, TZ: "Europe/London"}
	alice := bot.Person{Tenant: tenant, ID: "U1", Name: "Alice", HR: true}
	for _, p := range []bot.Person{zhang, bob, alice} {
		if err := db.SavePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// Upsert: the second save replaces the profile.
	bob.Name, bob.Locale, bob.TZ, bob.ManagerID, bob.HR, bob.UpdatedAt = "Bobby", "", "", "U1", true, at(3, 9)
	if err := db.SavePerson(ctx, bob); err != nil {
		t.Fatalf("second SavePerson: %v", err)
	}
	got, err := db.Person(ctx, tenant, "U2")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(bob, got, msEqual); diff != "" {
		t.Fatalf("Person after upsert (-want +got):\n%s", diff)
	}
	people, err := db.People(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bot.Person{alice, bob, zhang}, people, msEqual); diff != "" {
		t.Fatalf("People (-want +got):\n%s", diff)
	}
	_, err = db.Person(ctx, tenant, "nobody")
	wantCode(t, err, bot.ErrNotFound, bot.ENOTFOUND)
}
