package storage

import (
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// testPlanRecords: the batch read gives each listed plan its own notes,
// updates and interviews, oldest first, the same as the per-plan reads;
// an unlisted plan's records and a plan with none stay apart.
func testPlanRecords(t *testing.T, db *DB) {
	ctx := t.Context()
	const tenant = "t-records"
	a := mustCreate(t, db, newPlan(tenant, "a", "m"))
	b := mustCreate(t, db, newPlan(tenant, "b", "m"))
	c := mustCreate(t, db, newPlan(tenant, "c", "m"))
	for i, p := range []*bot.Plan{a, a, b, c} {
		n := bot.Note{Tenant: tenant, PlanID: p.ID, AuthorID: "m", Kind: bot.NoteTracking, Text: "note", At: at(20-i, 9)}
		if err := db.AddNote(ctx, &n); err != nil {
			t.Fatal(err)
		}
		u := bot.Update{Tenant: tenant, PlanID: p.ID, AuthorID: p.EmployeeID, Week: "2026-W47", Text: "update", At: at(20-i, 17)}
		if err := db.AddUpdate(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	iv := bot.Interview{Tenant: tenant, PlanID: b.ID, At: at(25, 15), Minutes: 50, Status: bot.InterviewBooked, BookedBy: "m", BookedAt: at(20, 9)}
	if err := db.SaveInterview(ctx, &iv); err != nil {
		t.Fatal(err)
	}
	empty := mustCreate(t, db, newPlan(tenant, "d", "m"))
	got, err := db.PlanRecords(ctx, tenant, []int64{a.ID, b.ID, empty.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[c.ID] != nil {
		t.Fatalf("plans = %d, unlisted plan present: %v", len(got), got[c.ID] != nil)
	}
	for _, p := range []*bot.Plan{a, b, empty} {
		notes, _ := db.Notes(ctx, tenant, p.ID)
		updates, _ := db.Updates(ctx, tenant, p.ID)
		ivs, _ := db.Interviews(ctx, tenant, p.ID)
		l := got[p.ID]
		if len(l.Notes) != len(notes) || len(l.Updates) != len(updates) || len(l.Interviews) != len(ivs) {
			t.Errorf("plan %s: %d/%d/%d records, per-plan reads give %d/%d/%d", p.EmployeeID,
				len(l.Notes), len(l.Updates), len(l.Interviews), len(notes), len(updates), len(ivs))
		}
		for i := range l.Notes {
			if l.Notes[i].ID != notes[i].ID || l.Notes[i].PlanID != p.ID {
				t.Errorf("plan %s note %d = %+v, want %+v", p.EmployeeID, i, l.Notes[i], notes[i])
			}
		}
	}
	if len(got[a.ID].Notes) != 2 || !got[a.ID].Notes[0].At.Before(got[a.ID].Notes[1].At) {
		t.Errorf("plan a's notes are not oldest first: %+v", got[a.ID].Notes)
	}
}
