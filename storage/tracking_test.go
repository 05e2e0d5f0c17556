package storage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

// testLastTracking: each active plan of the tenant with its newest
// tracking note's time, zero without one; coaching notes, other plans'
// statuses and other tenants do not count.
func testLastTracking(t *testing.T, db *DB) {
	ctx := t.Context()
	const tenant = "t-tracking"
	active := func(emp string) *bot.Plan {
		p := newPlan(tenant, emp, "m")
		p.Status, p.StartedAt = bot.StatusActive, at(1, 10)
		return mustCreate(t, db, p)
	}
	a, b := active("e1"), active("e2")
	draft := mustCreate(t, db, newPlan(tenant, "e3", "m"))
	otherTenant := newPlan("t-tracking-other", "e1", "m")
	otherTenant.Status = bot.StatusActive
	mustCreate(t, db, otherTenant)
	notes := []bot.Note{
		{Tenant: tenant, PlanID: a.ID, AuthorID: "m", Kind: bot.NoteTracking, Text: "week 1", At: at(3, 17)},
		{Tenant: tenant, PlanID: a.ID, AuthorID: "m", Kind: bot.NoteTracking, Text: "week 3", At: at(17, 17)},
		{Tenant: tenant, PlanID: a.ID, AuthorID: "mentor", Kind: bot.NoteTracking, Text: "week 2", At: at(10, 17)},
		{Tenant: tenant, PlanID: a.ID, AuthorID: "m", Text: "a later coaching note", At: at(20, 9)},
		{Tenant: tenant, PlanID: b.ID, AuthorID: "m", Text: "coaching only", At: at(5, 9)},
		{Tenant: tenant, PlanID: draft.ID, AuthorID: "m", Kind: bot.NoteTracking, Text: "draft", At: at(6, 9)},
		{Tenant: "t-tracking-other", PlanID: otherTenant.ID, AuthorID: "m", Kind: bot.NoteTracking, Text: "x", At: at(25, 9)},
	}
	for i := range notes {
		if err := db.AddNote(ctx, &notes[i]); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.LastTracking(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.TrackMark{
		{PlanID: a.ID, Number: a.Number, ManagerID: "m", Started: at(1, 10), Last: at(17, 17)},
		{PlanID: b.ID, Number: b.Number, ManagerID: "m", Started: at(1, 10), Last: time.Time{}},
	}
	if diff := cmp.Diff(want, got, msEqual); diff != "" {
		t.Fatalf("LastTracking (-want +got):\n%s", diff)
	}
}
