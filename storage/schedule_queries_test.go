package storage

import (
	"slices"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestScheduleQueries checks the planner's queries on every database: the
// open plans of every tenant in pages, the plans closed since a time,
// interviews by plan within a tenant, pending reminders by subject, people
// by id and HR.
func TestScheduleQueries(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openTestDB(t, dsn)
		ctx := t.Context()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		statuses := []bot.Status{bot.StatusActive, bot.StatusDraft, bot.StatusClosed, bot.StatusApproved, bot.StatusCancelled, bot.StatusActive}
		var plans []*bot.Plan
		for i, st := range statuses {
			tenant := []string{"lark:sq-a", "slack:sq-b"}[i%2]
			p := newPlan(tenant, "e", "m")
			p.Status, p.UpdatedAt = st, at(10+i, 9)
			plans = append(plans, mustCreate(t, db, p))
		}
		ids := func(ps []*bot.Plan) []int64 {
			var out []int64
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return out
		}
		var open []int64
		var after int64
		for {
			page, err := db.PlansForScheduling(ctx, after, 2)
			must(err)
			if len(page) == 0 {
				break
			}
			if len(page) > 2 {
				t.Fatalf("page of %d, limit 2", len(page))
			}
			open = append(open, ids(page)...)
			after = page[len(page)-1].ID
		}
		if want := []int64{plans[0].ID, plans[1].ID, plans[3].ID, plans[5].ID}; !slices.Equal(open, want) {
			t.Errorf("open plans = %v, want %v", open, want)
		}
		closed, err := db.PlansClosedSince(ctx, at(12, 9), 0, 10)
		must(err)
		if got, want := ids(closed), []int64{plans[2].ID, plans[4].ID}; !slices.Equal(got, want) {
			t.Errorf("closed since the 12th = %v, want %v", got, want)
		}
		if later, _ := db.PlansClosedSince(ctx, at(13, 9), 0, 10); len(later) != 1 || later[0].ID != plans[4].ID {
			t.Errorf("closed since the 13th = %v", ids(later))
		}

		a := plans[0]
		for _, day := range []int{20, 18} {
			must(db.SaveInterview(ctx, &bot.Interview{Tenant: a.Tenant, PlanID: a.ID, At: at(day, 15), Minutes: 50,
				Attendees: []string{"e", "m"}, Status: bot.InterviewBooked, BookedBy: "m", BookedAt: at(1, 9)}))
		}
		ivs, err := db.InterviewsOfPlans(ctx, a.Tenant, []int64{a.ID, plans[3].ID})
		must(err)
		if len(ivs) != 2 || ivs[0].At.Day() != 18 || ivs[1].No != 1 {
			t.Errorf("interviews = %+v", ivs)
		}
		if theirs, _ := db.InterviewsOfPlans(ctx, "slack:sq-b", []int64{a.ID}); len(theirs) != 0 {
			t.Errorf("another tenant sees %d interviews", len(theirs))
		}

		due := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		rs := []bot.Reminder{
			{Tenant: a.Tenant, Platform: "lark", PlanID: a.ID, Subject: "plan:1", Kind: bot.RemindWeekly, DueKey: "2026-W47", Recipient: "e", DueAt: due, ExpiresAt: due.Add(time.Hour)},
			{Tenant: a.Tenant, Platform: "lark", PlanID: a.ID, Subject: "interview:1", Kind: bot.RemindInterview, DueKey: "2026-11-18", Recipient: "e", DueAt: due.Add(-time.Hour), ExpiresAt: due},
			{Tenant: a.Tenant, Platform: "lark", PlanID: a.ID, Subject: "plan:1", Kind: bot.RemindMissed, DueKey: "2026-W47", Recipient: "m", DueAt: due, ExpiresAt: due.Add(time.Hour)},
			{Tenant: "slack:sq-b", Platform: "slack", PlanID: 9, Subject: "plan:1", Kind: bot.RemindWeekly, DueKey: "2026-W47", Recipient: "e", DueAt: due, ExpiresAt: due.Add(time.Hour)},
		}
		_, err = db.UpsertReminders(ctx, rs)
		must(err)
		_, err = db.CancelPending(ctx, a.Tenant, "plan:1", []bot.ReminderKind{bot.RemindMissed}, nil)
		must(err)
		pending, err := db.PendingReminders(ctx, a.Tenant, []string{"plan:1", "interview:1", "plan:404"})
		must(err)
		if len(pending) != 2 || pending[0].Kind != bot.RemindInterview || pending[1].Kind != bot.RemindWeekly || pending[0].ID == 0 {
			t.Errorf("pending = %+v", pending)
		}

		for _, p := range []bot.Person{{Tenant: a.Tenant, ID: "e", Name: "E", TZ: "Asia/Shanghai"}, {Tenant: a.Tenant, ID: "h", Name: "H", HR: true},
			{Tenant: "slack:sq-b", ID: "h2", Name: "H2", HR: true}} {
			must(db.SavePerson(ctx, p))
		}
		people, err := db.PeopleByID(ctx, a.Tenant, []string{"e", "h", "nobody", "h2"})
		must(err)
		if len(people) != 2 || people[0].ID != "e" || people[0].TZ != "Asia/Shanghai" {
			t.Errorf("people = %+v", people)
		}
		if hr, _ := db.HRPeople(ctx, a.Tenant); len(hr) != 1 || hr[0].ID != "h" {
			t.Errorf("HR = %+v", hr)
		}
	})
}
