package bot_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// stage prepares plan 1 in some state and returns its number.
type stage func(w *world) int

func inDraft(w *world) int     { n := w.draftPlan(emp); w.say(mgr, "导师 1 <@u_mentor>"); return n }
func inSubmitted(w *world) int { n := inDraft(w); w.say(emp, "提交 1"); return n }
func inApproved(w *world) int  { n := inSubmitted(w); w.say(mgr, "批准 1"); return n }
func inActive(w *world) int    { n := inApproved(w); w.say(emp, "确认 1"); return n }
func withProposal(w *world) int {
	n := inActive(w)
	w.say(emp, "调整 1 1 48万 市场变化")
	return n
}
func withNotes(w *world) int {
	n := inActive(w)
	w.say(mgr, "面谈 1 预约 2026-11-25 15:00")
	w.say(mgr, "面谈 1 记录 双方达成一致")
	return n
}

// snapshot is everything a command could change.
type snapshot struct {
	plans   []bot.Plan
	audit   int
	records [5]int
}

func (w *world) snap() snapshot {
	plans, _ := w.store.ListPlans(context.Background(), w.tenant, bot.PlanQuery{})
	s := snapshot{audit: len(w.store.audit), records: [5]int{len(w.store.updates), len(w.store.ivs), len(w.store.reviews), len(w.store.adjs), len(w.store.notes)}}
	for _, p := range plans {
		s.plans = append(s.plans, *p)
	}
	for _, iv := range w.store.ivs {
		s.records[1] += int(iv.EmployeeOK.Unix()+iv.ManagerOK.Unix()) % 7 // confirmations count as changes
	}
	for _, a := range w.store.adjs {
		s.records[3] += int(a.ManagerAt.Unix()+a.HRAt.Unix()) % 7
	}
	return s
}

// TestRoleActionMatrix runs every command as every role: the allowed roles
// change the plan and leave an audit entry; everyone else gets a localised
// refusal and nothing changes.
func TestRoleActionMatrix(t *testing.T) {
	roles := map[string]bot.Person{"employee": emp, "manager": mgr, "hr": hr, "mentor": mentor, "other": other}
	cases := []struct {
		name     string
		setup    stage
		cmd      string
		allowed  []string
		readOnly bool
	}{
		{"view", inDraft, "show 1", []string{"employee", "manager", "hr", "mentor"}, true},
		{"edit draft", inDraft, "cause 1 work unclear process", []string{"employee", "manager", "hr"}, false},
		{"submit", inDraft, "submit 1", []string{"employee", "manager"}, false},
		{"approve", inSubmitted, "approve 1", []string{"manager", "hr"}, false},
		{"request changes", inSubmitted, "changes 1 more detail please", []string{"manager", "hr"}, false},
		{"reject", inSubmitted, "reject 1 not a fair target", []string{"manager", "hr"}, false},
		{"acknowledge", inApproved, "ack 1", []string{"employee"}, false},
		{"update", inActive, "update #1 sales 400000 visited 5 clients", []string{"employee"}, false},
		{"edit running goals", inActive, "goal 1 complaints 8% 3% 2months", []string{"manager", "hr"}, false},
		{"add action", inActive, "action 1 add weekly call | every Monday", []string{"employee", "manager", "hr"}, false},
		{"complete action", inActive, "done 1 1", []string{"employee", "manager", "hr"}, false},
		{"book interview", inActive, "interview 1 book 2026-11-25 15:00", []string{"manager", "hr"}, false},
		{"confirm written plan", withNotes, "interview 1 confirm", []string{"employee", "manager"}, false},
		{"monthly review", inActive, "review 1 sales 420000 steady progress", []string{"manager", "hr"}, false},
		{"close", inActive, "close 1 achieved weekly reviews helped", []string{"manager", "hr"}, false},
		{"extend", inActive, "extend 1 2027-03-31", []string{"manager", "hr"}, false},
		{"cancel", inActive, "cancel 1 moved team", []string{"manager", "hr"}, false},
		{"propose adjustment", inActive, "adjust 1 1 480000 market changed", []string{"employee", "manager", "hr"}, false},
		{"confirm adjustment", withProposal, "adjust 1 confirm 1", []string{"manager", "hr"}, false},
		{"assign mentor", inActive, "mentor 1 <@u_other>", []string{"manager", "hr"}, false},
		{"coaching note", inActive, "note 1 practised the pitch", []string{"mentor", "manager", "hr"}, false},
		{"audit log", inActive, "audit 1", []string{"manager", "hr"}, true},
		{"all plans", inActive, "all", []string{"hr"}, true},
		{"promotion list", inActive, "promotions", []string{"hr"}, true},
	}
	for _, c := range cases {
		for roleName, who := range roles {
			t.Run(c.name+"/"+roleName, func(t *testing.T) {
				w := newWorld(t)
				c.setup(w)
				before := w.snap()
				replies := w.say(who, c.cmd)
				after := w.snap()
				refused := strings.HasPrefix(replies[0].Message.Text(), "⚠️")
				want := false
				for _, a := range c.allowed {
					want = want || a == roleName
				}
				if want == refused {
					t.Fatalf("%s as %s: refused=%v, want allowed=%v; reply:\n%s", c.cmd, roleName, refused, want, text(replies))
				}
				changed := !reflect.DeepEqual(before, after)
				switch {
				case refused && changed:
					t.Errorf("refused command changed state")
				case !refused && !c.readOnly && after.audit <= before.audit:
					t.Errorf("allowed command left no audit entry")
				case c.readOnly && changed:
					t.Errorf("read-only command changed state")
				}
				if refused && roleName != "other" && c.name != "all plans" && c.name != "promotion list" {
					// People with a role get told who may do it, not "not found".
					if strings.Contains(text(replies), "没有你可以查看") || strings.Contains(text(replies), "no plan #1 that you can see") {
						t.Errorf("a %s was told the plan does not exist", roleName)
					}
				}
			})
		}
	}
}
