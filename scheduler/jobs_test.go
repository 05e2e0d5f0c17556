package scheduler_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// TestJobsCLI drives `pipbot jobs list` and `pipbot jobs run`: the list
// names people and plans as stored, in the tenant's zone; a dry run shows
// who would get what and changes nothing; a real run sends that job's due
// reminders once, and only that job's.
func TestJobsCLI(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, sh) }
		w := newPlanWorld(t, db, "console:jobs", scheduler.DefaultRules(), sh, zhang, li, wang)
		w.activePlan(zhang.ID, wang.ID, cst(2, 9), cst(30, 0), true)
		w.activePlan(li.ID, wang.ID, cst(2, 9), cst(30, 0), true)
		if err := db.BindTeamChat(t.Context(), bot.TeamChat{Tenant: w.tenant, Platform: "console", ChatID: "oc_team", ManagerID: wang.ID}); err != nil {
			t.Fatal(err)
		}
		jobs := &scheduler.Jobs{Planner: w.planner, Composer: w.composer, Outbox: db, Owner: "cli-test",
			Notifier: w.composer.Notifier(func(_ context.Context, r bot.Reminder, rep bot.Reply) (string, error) {
				w.sent.add(r, rep, w.clock.Now())
				return "om_1", nil
			})}
		ctx := t.Context()
		w.plan(cst(16, 9))

		var out bytes.Buffer
		if err := jobs.ListNext(ctx, &out, cst(16, 9), 50); err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{"DUE (TENANT ZONE)", "2026-11-20 Fri 17:00 CST", "weekly_update", "张三 (u_emp)", "#1", "#2",
			"chat oc_team", "plan_ending", "console:jobs"} {
			if !strings.Contains(out.String(), part) {
				t.Errorf("jobs list lacks %q:\n%s", part, out.String())
			}
		}

		before := w.rows("")
		out.Reset()
		w.clock.Set(cst(20, 17))
		if err := jobs.RunJob(ctx, &out, scheduler.JobWeeklyUpdate, cst(20, 17), true); err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{"dry run", "张三 (u_emp)", "李四 (u_emp2)", "chat oc_team", "3 would be sent", "nothing was sent"} {
			if !strings.Contains(out.String(), part) {
				t.Errorf("dry run lacks %q:\n%s", part, out.String())
			}
		}
		if diff := cmp.Diff(before, w.rows("")); diff != "" || len(w.sent.all()) != 0 {
			t.Errorf("a dry run changed the outbox (-before +after):\n%s\nsent %d", diff, len(w.sent.all()))
		}

		out.Reset()
		if err := jobs.RunJob(ctx, &out, scheduler.JobWeeklyUpdate, cst(20, 17), false); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "3 sent") {
			t.Errorf("run output:\n%s", out.String())
		}
		for _, s := range w.sent.all() {
			if s.r.Kind != bot.RemindWeekly && s.r.Kind != bot.RemindWeeklySummary {
				t.Errorf("the weekly job sent %s", s.r.Kind)
			}
		}
		if n := len(w.sent.all()); n != 3 {
			t.Errorf("sent %d, want 3", n)
		}
		out.Reset()
		if err := jobs.RunJob(ctx, &out, scheduler.JobWeeklyUpdate, cst(20, 17), false); err != nil || !strings.Contains(out.String(), "0 sent") {
			t.Errorf("a second run: %v\n%s", err, out.String())
		}

		out.Reset()
		if err := jobs.RunJob(ctx, &out, scheduler.JobPlan, cst(16, 9), true); err != nil || !strings.Contains(out.String(), "weekly_update") {
			t.Errorf("plan dry run: %v\n%s", err, out.String())
		}
		if err := jobs.RunJob(ctx, &out, "weekly", time.Time{}, true); err == nil || !strings.Contains(err.Error(), scheduler.JobMissedUpdate) {
			t.Errorf("unknown job: %v", err)
		}
	})
}

func TestParseAt(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	want := time.Date(2026, 11, 20, 17, 0, 0, 0, sh)
	for _, s := range []string{"2026-11-20T17:00:00+08:00", "2026-11-20 17:00", "2026-11-20T17:00"} {
		if got, err := scheduler.ParseAt(s, sh); err != nil || !got.Equal(want) {
			t.Errorf("ParseAt(%q) = %s, %v", s, got, err)
		}
	}
	if _, err := scheduler.ParseAt("friday", sh); err == nil {
		t.Error("ParseAt accepted friday")
	}
}
