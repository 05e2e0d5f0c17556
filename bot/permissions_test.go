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
	w.say(mgr, "面谈 1 预约 14天后 15:00")
	w.say(mgr, "面谈 1 记录 双方达成一致")
	return n
}
func withMgrAction(w *world) int {
	n := inActive(w)
	w.say(mgr, "行动 1 添加 每周一对一辅导 | 每周一 17:00前 | 经理")
	return n
}
func withOutcome(w *world) int {
	n := inActive(w)
	w.say(mgr, "结案 1 未达成 差距仍大")
	return n
}

// snapshot is everything a command could change.
type snapshot struct {
	plans   []bot.Plan
	audit   int
	people  int
	records [5]int
}

func (w *world) snap() snapshot {
	plans, _ := w.store.ListPlans(context.Background(), w.tenant, bot.PlanQuery{})
	s := snapshot{audit: len(w.store.audit), records: [5]int{len(w.store.updates), len(w.store.ivs), len(w.store.reviews), len(w.store.adjs), len(w.store.notes)}}
	for _, p := range plans {
		s.plans = append(s.plans, *p)
	}
	for _, iv := range w.store.ivs {
		s.records[1] += int(iv.EmployeeOK.Unix()+iv.ManagerOK.Unix()+int64(len(iv.Ratings))+iv.PreparedAt.Unix()) % 7 // confirmations count as changes
	}
	for _, a := range w.store.adjs {
		s.records[3] += int(a.ManagerAt.Unix()+a.HRAt.Unix()) % 7
	}
	for _, p := range w.store.people {
		if p.HR || p.AssignedManagerID != "" {
			s.people++
		}
	}
	return s
}

// Actors of the relation matrix: what they are in the organisation.
const (
	kEmployee = "employee" // a plain employee (张三)
	kManager  = "manager"  // a manager with reports (王经理)
	kSenior   = "senior"   // a manager of managers (赵总监)
	kHR       = "hr"       // HR (HR Lin)
	kMentor   = "mentor"   // the plan's mentor (李导师)
)

// subjectOf is whose plan an actor of kind k acts on to stand in relation
// rel to its employee; "" when the organisation has no such pair.
func subjectOf(k, rel string) (actor, subject bot.Person) {
	pairs := map[string]map[string][2]bot.Person{
		kEmployee: {"self": {emp, emp}, "peer": {emp, empEN}, "other tenant": {emp, empEN}},
		kManager:  {"self": {mgr, mgr}, "report": {mgr, emp}, "peer": {mgr, other}, "other tenant": {mgr, emp}},
		kSenior:   {"report": {boss, mgr}, "skip": {boss, emp}, "other tenant": {boss, emp}},
		kHR:       {"self": {hr, hr}, "peer": {hr, emp}, "other tenant": {hr, emp}},
		kMentor:   {"peer": {mentor, emp}, "other tenant": {mentor, emp}},
	}
	p, ok := pairs[k][rel]
	if !ok {
		return bot.Person{}, bot.Person{}
	}
	return p[0], p[1]
}

// roleOf is what the actor is to the subject's plan, in words the rules
// below use: the plan's employee, its manager (the subject's manager), a
// manager further up, HR, its mentor, or nobody.
func roleOf(k, rel string) string {
	switch {
	case rel == "self" && k != kHR:
		return "employee"
	case rel == "self": // HR's own plan: HR is also the employee
		return "employee+hr"
	case rel == "report":
		return "manager"
	case rel == "skip":
		return "senior"
	case k == kHR:
		return "hr"
	case k == kMentor:
		return "mentor"
	}
	return "nobody"
}

// expected states the rules of the issue independently of roles.go: who
// may do each action to a plan whose employee stands in rel to them.
func expected(k, rel, action string) bool {
	if rel == "other tenant" {
		return false
	}
	role := roleOf(k, rel)
	is := func(rs ...string) bool {
		for _, r := range rs {
			if strings.Contains(role, r) {
				return true
			}
		}
		return false
	}
	switch action {
	case "start":
		return rel == "self" || rel == "report" || rel == "skip" || k == kHR
	case "view":
		return role != "nobody"
	case "edit draft", "submit": // the plan is drafted by its employee
		return is("employee", "manager") || action == "edit draft" && is("hr")
	case "delete draft":
		return is("employee") // its drafter
	case "approve", "request changes":
		return role == "manager" // the approver: the employee's manager, who did not draft it
	case "acknowledge", "post update":
		return is("employee")
	case "add action":
		return is("employee", "manager", "hr")
	case "edit running goals", "book interview", "monthly review", "propose outcome", "assign mentor",
		"read audit", "team summary", "reject adjustment":
		return is("manager", "hr")
	case "confirm outcome": // proposed by the manager; HR decides
		return is("hr")
	case "propose adjustment":
		return is("employee", "manager", "hr")
	case "confirm adjustment": // proposed by the employee
		return is("manager", "hr")
	case "coaching note":
		return is("mentor", "manager", "hr")
	case "done own action": // the employee owns it
		return is("employee", "manager", "hr")
	case "done manager's action", "done HR's action": // only its owner, the manager or HR
		return is("manager", "hr")
	case "tracking note": // the manager's log; the mentor writes in it too
		return is("manager", "mentor")
	}
	panic("no rule for " + action)
}

// TestRelationMatrix runs every action as every kind of actor on the plan
// of someone standing in each relation to them (self, report, skip-level
// report, peer, another tenant): the allowed change the plan and leave an
// audit entry; everyone else gets a localised refusal that names who may,
// and nothing changes.
func TestRelationMatrix(t *testing.T) {
	actions := []struct {
		name     string
		setup    func(w *world, subject bot.Person) int
		cmd      string // %n is the plan number, %s the subject's mention
		readOnly bool
	}{
		{"start", nil, "new %s", false},
		{"view", planAt(""), "show %n", true},
		{"edit draft", planAt(""), "cause %n work unclear process", false},
		{"submit", planAt(""), "submit %n", false},
		{"delete draft", planAt(""), "delete %n", false},
		{"approve", planAt("submitted"), "approve %n", false},
		{"request changes", planAt("submitted"), "changes %n more detail please", false},
		{"acknowledge", planAt("approved"), "ack %n", false},
		{"post update", planAt("active"), "update #%n #1 400000 visited 5 clients", false},
		{"edit running goals", planAt("active"), "goal %n complaints 8% 3% 30days", false},
		{"add action", planAt("active"), "action %n add weekly call | every Monday", false},
		{"book interview", planAt("active"), "interview %n book +14d 15:00", false},
		{"monthly review", planAt("active"), "review %n sales 420000 steady progress", false},
		{"propose outcome", planAt("active"), "close %n not_achieved still short", false},
		{"confirm outcome", planAt("proposed"), "close %n confirm", false},
		{"propose adjustment", planAt("active"), "adjust %n 1 480000 market changed", false},
		{"confirm adjustment", planAt("adjusting"), "adjust %n confirm 1", false},
		{"reject adjustment", planAt("adjusting"), "adjust %n reject 1 not justified", false},
		{"assign mentor", planAt("active"), "mentor %n <@u_other>", false},
		{"coaching note", planAt("active"), "note %n practised the pitch", false},
		{"done own action", planAt("active"), "done %n 1", false},
		{"done manager's action", planAt("manager action"), "done %n 2", false},
		{"done HR's action", planAt("hr action"), "action %n done 2", false},
		{"tracking note", planAt("active"), "track %n three role-plays this week", false},
		{"read audit", planAt("active"), "audit %n", true},
		{"team summary", planAt("active"), "summary %n on", false},
	}
	cells := 0
	for _, k := range []string{kEmployee, kManager, kSenior, kHR, kMentor} {
		for _, rel := range []string{"self", "report", "skip", "peer", "other tenant"} {
			actor, subject := subjectOf(k, rel)
			if actor.ID == "" {
				continue
			}
			for _, a := range actions {
				cells++
				t.Run(k+"/"+rel+"/"+a.name, func(t *testing.T) {
					w := newWorld(t)
					n := 0
					if a.setup != nil {
						n = a.setup(w, subject)
					}
					cmd := strings.NewReplacer("%n", itoa(n), "%s", "<@"+subject.ID+">").Replace(a.cmd)
					if rel == "self" && a.name == "start" {
						cmd = "new"
					}
					tenant := w.tenant
					if rel == "other tenant" {
						tenant = w.otherTenant(subject.ID)
					}
					before := w.snap()
					replies := w.cmd(bot.Command{Tenant: tenant, Actor: bot.Person{ID: actor.ID}, Chat: bot.Chat{ID: "dm:" + actor.ID}, Text: cmd})
					after := w.snap()
					refused := strings.HasPrefix(text(replies), "⚠️")
					want := expected(k, rel, a.name)
					if want == refused {
						t.Fatalf("%q by %s: refused=%v, want allowed=%v; reply:\n%s", cmd, actor.Name, refused, want, text(replies))
					}
					changed := !reflect.DeepEqual(before, after)
					switch {
					case refused && changed:
						t.Errorf("refused command changed state")
					case !refused && !a.readOnly && after.audit <= before.audit:
						t.Errorf("allowed command left no audit entry")
					case a.readOnly && changed:
						t.Errorf("read-only command changed state")
					}
					if refused && roleOf(k, rel) != "nobody" && rel != "other tenant" && !strings.Contains(text(replies), "：只有") && !strings.Contains(text(replies), ": only ") {
						t.Errorf("a refusal does not say who may instead: %s", text(replies))
					}
				})
			}
		}
	}
	if cells < 250 {
		t.Errorf("only %d cells", cells)
	}
	t.Logf("%d role × action × relation cells", cells)
}

// planAt returns a setup that gives the subject a plan of their own, drafted
// by themself, approved by their manager, and taken to the named point.
func planAt(point string) func(w *world, subject bot.Person) int {
	return func(w *world, s bot.Person) int {
		w.t.Helper()
		n := w.draftPlan(s)
		p := w.plan(n)
		w.say(bot.Person{ID: p.ManagerID}, "导师 "+itoa(n)+" <@u_mentor>")
		if point == "" {
			return n
		}
		w.say(s, "提交 "+itoa(n))
		if point == "submitted" {
			return n
		}
		approver := w.plan(n).ApproverID
		w.say(bot.Person{ID: approver}, "批准 "+itoa(n))
		if point == "approved" {
			return n
		}
		w.say(s, "确认 "+itoa(n))
		if st := w.plan(n).Status; st != bot.StatusActive {
			w.t.Fatalf("setup: plan %d of %s is %s", n, s.Name, st)
		}
		switch point {
		case "proposed":
			w.say(bot.Person{ID: p.ManagerID}, "结案 "+itoa(n)+" 未达成 差距仍大")
		case "adjusting":
			w.say(s, "调整 "+itoa(n)+" 1 48万 市场变化")
		case "manager action", "hr action":
			owner := map[string]string{"manager action": "经理", "hr action": "HR"}[point]
			w.say(bot.Person{ID: p.ManagerID}, "行动 "+itoa(n)+" 添加 每周一对一辅导 | 每周一 17:00前 | "+owner)
			if a := w.plan(n).Action(2); a == nil || string(a.Kind()) != map[string]string{"manager action": "manager", "hr action": "hr"}[point] {
				w.t.Fatalf("setup: action 2 of plan %d = %+v", n, a)
			}
		}
		return n
	}
}

// otherTenant sets up a second tenant where the same user ids exist (as on
// a platform whose ids are only unique per tenant), but for except, and
// returns it.
func (w *world) otherTenant(except string) string {
	b := "console:other-co"
	for _, p := range everyone {
		if p.ID != except {
			p.Tenant = b
			_ = w.store.SavePerson(context.Background(), p)
		}
	}
	return b
}
