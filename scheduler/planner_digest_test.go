package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// TestHRDigest: HR Lin (English) gets the weekly digest on Monday 11-23 at
// 10:00, one-to-one: the counts by status, Zhang's plan with no update for
// last week (Li's has one), this week's interview, buttons to open the
// plans and to export; no goal or figure. In the week of National Day the
// digest moves from the holiday Monday 10-05 to Thursday 10-08, the week's
// first working day.
func TestHRDigest(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh) }
		w := newPlanWorld(t, db, "console:digest", scheduler.DefaultRules(), sh, zhang, li, wang, lin)
		p1 := w.activePlan(zhang.ID, wang.ID, cst(9, 1, 9, 0), cst(12, 31, 0, 0), false)
		p2 := w.activePlan(li.ID, wang.ID, cst(9, 1, 9, 0), cst(12, 31, 0, 0), false)
		if err := db.AddUpdate(t.Context(), &bot.Update{Tenant: w.tenant, PlanID: p2.ID, AuthorID: li.ID,
			Week: "2026-W47", Text: "ok", At: cst(11, 20, 16, 0)}); err != nil {
			t.Fatal(err)
		}
		iv := &bot.Interview{Tenant: w.tenant, PlanID: p1.ID, At: cst(11, 25, 15, 0), Minutes: 50,
			Attendees: []string{zhang.ID, wang.ID}, Status: bot.InterviewBooked, BookedBy: wang.ID, BookedAt: cst(11, 16, 9, 0)}
		if err := db.SaveInterview(t.Context(), iv); err != nil {
			t.Fatal(err)
		}
		digests := func() []string {
			var out []string
			for _, r := range w.rows(bot.RemindHRDigest) {
				out = append(out, r.DueKey+"/"+r.Recipient+"@"+r.DueAt.In(sh).Format("01-02 15:04"))
			}
			return out
		}

		w.plan(cst(10, 2, 9, 0))
		if got := strings.Join(digests(), " "); !strings.Contains(got, "2026-W41/u_hr@10-08 10:00") || strings.Contains(got, "10-05") {
			t.Errorf("National Day week's digest: %s; want 2026-W41/u_hr@10-08 10:00, none on the holiday", got)
		}

		w.plan(cst(11, 23, 8, 0))
		if got := strings.Join(digests(), " "); !strings.Contains(got, "2026-W48/u_hr@11-23 10:00") {
			t.Fatalf("digests %s; want 2026-W48 to u_hr on Monday 11-23 10:00", got)
		}
		w.clock.Set(cst(11, 23, 10, 1))
		if _, _, err := w.dispatcher().RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		var rep *bot.Reply
		for _, s := range w.sent.all() {
			if s.r.Kind == bot.RemindHRDigest && s.r.DueKey == "2026-W48" {
				if rep != nil {
					t.Fatal("the digest was sent twice")
				}
				rep = &s.rep
			}
		}
		if rep == nil {
			t.Fatalf("no digest sent on Monday: %v", keys(w.rows(bot.RemindHRDigest)))
		}
		text := rep.Message.Title + "\n" + rep.Message.Text()
		for _, want := range []string{"HR digest", "No update last week (1)", "#1 张三 (manager 王经理)", "Interviews this week (1)", "11-25"} {
			if !strings.Contains(text, want) {
				t.Errorf("digest lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "#2 ") && strings.Contains(text, "No update last week (2)") {
			t.Errorf("Li's plan, updated last week, is listed as missing:\n%s", text)
		}
		for _, secret := range []string{"季度销售额", "350000", "500000"} {
			if strings.Contains(text, secret) {
				t.Errorf("the digest shows plan content %q:\n%s", secret, text)
			}
		}
		if rep.To != lin.ID || !rep.Private {
			t.Errorf("digest to %s, private %v; want Lin, one-to-one", rep.To, rep.Private)
		}
		var actions []string
		for _, b := range rep.Message.Blocks {
			if row, ok := b.(bot.Buttons); ok {
				for _, btn := range row {
					actions = append(actions, btn.Action.ID+":"+btn.Action.Args["plan"])
				}
			}
		}
		if got := strings.Join(actions, " "); got != "plan.show:1 export.all:" {
			t.Errorf("buttons %q; want open #1 and export all", got)
		}
		// The export button works for HR and refuses the manager.
		if reps := w.do(lin.ID, "export.all", nil, nil); len(reps) == 0 || !hasAttachment(reps) {
			t.Errorf("HR's export from the digest: %+v", reps)
		}
		if reps := w.do(wang.ID, "export.all", nil, nil); hasAttachment(reps) {
			t.Error("the manager exported every plan from the digest button")
		}
	})
}

func hasAttachment(reps []bot.Reply) bool {
	for _, r := range reps {
		if r.File != nil {
			return true
		}
	}
	return false
}
