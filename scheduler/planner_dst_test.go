package scheduler_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// TestPlannerAcrossDST lives two weeks in America/New_York around each
// daylight-saving change of 2026, planning and dispatching every hour (and
// planning twice each time): every reminder goes out once, at its local
// time (17:00 Friday, 10:00 notices, prompts and escalations) before and
// after the change, none skipped or doubled, and planning again changes
// nothing.
func TestPlannerAcrossDST(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	nyAt := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, ny) }
	cases := []struct {
		name       string
		from, to   time.Time // the simulated span
		started    time.Time
		updated    string // the week before the span has its update
		interviews []time.Time
		monthlyDay int
		want       []string // kind/due key/recipient@UTC instant sent
	}{{
		name: "fall back 2026-11-01", from: nyAt(2026, 10, 26, 0), to: nyAt(2026, 11, 9, 0),
		started: nyAt(2026, 9, 1, 9), updated: "2026-W43", monthlyDay: 2,
		interviews: []time.Time{nyAt(2026, 11, 4, 10), nyAt(2026, 11, 5, 10)},
		want: []string{
			"interview_notice/2026-10-30/emp@2026-10-30T14:00:00Z", "interview_notice/2026-10-30/mgr@2026-10-30T14:00:00Z",
			"weekly_update/2026-W44/emp@2026-10-30T21:00:00Z",
			"interview_notice/2026-11-02/emp@2026-11-02T15:00:00Z", "interview_notice/2026-11-02/mgr@2026-11-02T15:00:00Z",
			"missed_update/2026-W44/mgr@2026-11-02T15:00:00Z", "monthly_review/2026-11/mgr@2026-11-02T15:00:00Z",
			"tracking_due/2026-10-27/mgr@2026-10-27T14:00:00Z", // every 14 days from 09-01, 10:00 EDT
			"archive/2026-11-05/mgr@2026-11-05T15:00:00Z", "archive/2026-11-06/mgr@2026-11-06T15:00:00Z",
			"weekly_update/2026-W45/emp@2026-11-06T22:00:00Z",
		},
	}, {
		name: "spring forward 2026-03-08", from: nyAt(2026, 3, 2, 0), to: nyAt(2026, 3, 16, 0),
		started: nyAt(2026, 2, 2, 9), updated: "2026-W09", monthlyDay: 9,
		interviews: []time.Time{nyAt(2026, 3, 11, 10), nyAt(2026, 3, 12, 10)},
		want: []string{
			"interview_notice/2026-03-06/emp@2026-03-06T15:00:00Z", "interview_notice/2026-03-06/mgr@2026-03-06T15:00:00Z",
			"weekly_update/2026-W10/emp@2026-03-06T22:00:00Z",
			"interview_notice/2026-03-09/emp@2026-03-09T14:00:00Z", "interview_notice/2026-03-09/mgr@2026-03-09T14:00:00Z",
			"missed_update/2026-W10/mgr@2026-03-09T14:00:00Z", "monthly_review/2026-03/mgr@2026-03-09T14:00:00Z",
			"tracking_due/2026-03-02/mgr@2026-03-02T15:00:00Z", // every 14 days from 02-02, 10:00 EST
			"archive/2026-03-12/mgr@2026-03-12T14:00:00Z", "archive/2026-03-13/mgr@2026-03-13T14:00:00Z",
			"weekly_update/2026-W11/emp@2026-03-13T21:00:00Z",
		},
	}}
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rules := scheduler.DefaultRules()
				rules.Region, rules.TZ, rules.MonthlyDay = "US", "America/New_York", tc.monthlyDay
				w := newPlanWorld(t, db, "console:ny"+string(rune('a'+i)), rules, ny,
					bot.Person{ID: "emp", Name: "Sam", Locale: bot.LocaleEN, TZ: "America/New_York"},
					bot.Person{ID: "mgr", Name: "Morgan", Locale: bot.LocaleEN, TZ: "America/New_York"})
				p := w.activePlan("emp", "mgr", tc.started, tc.started.AddDate(0, 4, 0), false)
				ctx := t.Context()
				if err := db.AddUpdate(ctx, &bot.Update{Tenant: w.tenant, PlanID: p.ID, AuthorID: "emp", Week: tc.updated,
					Text: "ok", At: tc.from.Add(-48 * time.Hour)}); err != nil {
					t.Fatal(err)
				}
				for _, at := range tc.interviews {
					iv := &bot.Interview{Tenant: w.tenant, PlanID: p.ID, At: at, Minutes: 50, Agenda: bot.DefaultAgenda(),
						Attendees: []string{"emp", "mgr"}, Status: bot.InterviewBooked, BookedBy: "mgr", BookedAt: tc.started.Add(time.Hour)}
					if err := db.SaveInterview(ctx, iv); err != nil {
						t.Fatal(err)
					}
				}
				d := w.dispatcher()
				for now := tc.from.UTC(); now.Before(tc.to); now = now.Add(time.Hour) {
					w.plan(now)
					w.plan(now)
					if _, _, err := d.RunOnce(ctx); err != nil {
						t.Fatalf("dispatch at %s: %v", now, err)
					}
				}
				var got []string
				for _, s := range w.sent.all() {
					got = append(got, string(s.r.Kind)+"/"+s.r.DueKey+"/"+s.r.Recipient+"@"+s.at.UTC().Format(time.RFC3339))
					if !s.rep.Private || s.rep.To != s.r.Recipient {
						t.Errorf("%s %s: Private %v To %q, want a private message to the recipient", s.r.Kind, s.r.DueKey, s.rep.Private, s.rep.To)
					}
				}
				slices.Sort(got)
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("sent (-want +got):\n%s", diff)
				}
				before := w.rows("")
				for range 10 {
					w.plan(tc.to)
				}
				if diff := cmp.Diff(before, w.rows("")); diff != "" {
					t.Errorf("planning again changed the rows (-before +after):\n%s", diff)
				}
			})
		}
	})
}
