package bot_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// TestGuideKeepsWhatWasTyped: bad answers are explained and re-asked without
// losing earlier answers; leaving the guide keeps the draft.
func TestGuideKeepsWhatWasTyped(t *testing.T) {
	w := newWorld(t)
	w.say(emp, "新建")
	w.say(emp, "2")
	r := w.say(emp, "销售额 很多")
	mustContain(t, r, literal(bot.LocaleZH, "err.gap_format"))
	w.say(emp, "季度销售额 50万 35万 元")
	r = w.say(emp, "完成")
	mustContain(t, r, literal(bot.LocaleZH, "err.need_cause"))
	w.say(emp, "环境 市场下滑")
	r = w.say(emp, "取消")
	mustContain(t, r, "#1")
	p := w.plan(1)
	if p.EmployeeType != bot.TypeHighPotential || len(p.Problems) != 1 || p.Problems[0].Gap.Metric != "季度销售额" || len(p.Problems[0].Causes) != 1 || p.Problems[0].Causes[0].Dimension != bot.DimEnvironment {
		t.Fatalf("draft lost input: %+v", p)
	}
	if p.End.Sub(p.Start) != 90*24*time.Hour {
		t.Errorf("high-potential cycle = %v, want 90 days", p.End.Sub(p.Start))
	}
	// After leaving, ordinary commands work again.
	r = w.say(emp, "查看 1")
	mustContain(t, r, "季度销售额")
}

// TestGuideButtonsAndNewHire: the type buttons work and a new hire gets a
// three-week cycle.
func TestGuideButtonsAndNewHire(t *testing.T) {
	w := newWorld(t)
	w.say(mgr, "new <@u_emp_en>")
	w.act(mgr, "guide.answer", map[string]string{"value": "new_hire"}, nil)
	p := w.plan(1)
	if p.EmployeeID != empEN.ID || p.ManagerID != mgr.ID || p.EmployeeType != bot.TypeNewHire {
		t.Fatalf("plan = %+v", p)
	}
	if d := p.End.Sub(p.Start); d != 21*24*time.Hour {
		t.Errorf("new-hire cycle = %v, want 21 days", d)
	}
}

// TestCreateFormReportsEveryField: a bad form lists each wrong input and
// stores nothing; a good one creates the whole draft.
func TestCreateFormReportsEveryField(t *testing.T) {
	w := newWorld(t)
	r := w.say(mgr, "新建 表单")
	var form *bot.Form
	for _, b := range r[0].Message.Blocks {
		if f, ok := b.(bot.Form); ok {
			form = &f
		}
	}
	if form == nil || form.Action.ID != "plan.create" {
		t.Fatalf("no create form: %+v", r)
	}
	if got := len(form.Inputs[0].Options); form.Inputs[0].Kind != bot.InputUser || got != len(everyone) {
		t.Errorf("employee input offers %d people, want the tenant's %d", got, len(everyone))
	}
	for _, in := range form.Inputs {
		if in.Name == "manager" {
			t.Error("the form asks for the manager, which must come from the directory")
		}
	}
	values := map[string]string{"employee": emp.ID, "type": "under_performer", "gap_metric": "销售额", "gap_target": "50万",
		"gap_actual": "很多", "cause_dim": "person", "cause_text": "", "goal_metric": "销售额", "goal_baseline": "35万",
		"goal_target": "50万", "goal_deadline": "2020-01-01", "action_what": "拜访客户"}
	before := w.snap()
	r = w.act(mgr, "plan.create", nil, values)
	for _, f := range []string{"gap_actual", "cause_text", "goal_deadline"} {
		if r[0].Errors[f] == "" {
			t.Errorf("no error for %s: %v", f, r[0].Errors)
		}
	}
	if !reflect.DeepEqual(before, w.snap()) {
		t.Fatal("invalid form stored something")
	}
	values["gap_actual"], values["cause_text"], values["goal_deadline"] = "35万", "跟进不及时", "2027-01-31"
	r = w.act(mgr, "plan.create", nil, values)
	if strings.HasPrefix(text(r), "⚠️") {
		t.Fatalf("valid form refused: %s", text(r))
	}
	p := w.plan(1)
	if p.Problems[0].Gap.Actual != 350000 || p.Goals[0].Target != 500000 || p.Actions[0].What != "拜访客户" || p.ManagerID != mgr.ID {
		t.Fatalf("plan = %+v", p)
	}
}

// TestGuideLeftByACommand: a command typed during the guide leaves it,
// says the draft is kept and how to resume, then runs; "resume N" picks
// the guide up at the first missing step; the drafter may delete it.
func TestGuideLeftByACommand(t *testing.T) {
	w := newWorld(t)
	inActive(w) // plan #1 runs
	w.say(emp, "新建")
	w.say(emp, "1")
	r := w.say(emp, "确认 1")
	mustContain(t, r, "已暂停向导。草稿 #2 已保存，发送「继续 2」接着填写")
	if strings.Contains(text(r), "不是员工类型") || strings.Contains(text(r), "不是") && strings.Contains(text(r), "类型") {
		t.Fatalf("the command was taken as an answer:\n%s", text(r))
	}
	r = w.say(emp, "季度销售额 50万 35万 元")
	if !strings.Contains(text(r), "我不认识") {
		t.Fatalf("the guide still answers after being left:\n%s", text(r))
	}
	r = w.say(emp, "继续 2")
	mustContain(t, r, "继续编辑草稿 #2", "第 2 步")
	w.say(emp, "季度销售额 50万 35万 元")
	if pr := w.plan(2).Problems; len(pr) != 1 || pr[0].Gap.Metric != "季度销售额" {
		t.Fatalf("the resumed guide did not take the answer: %+v", pr)
	}
	r = w.say(emp, "取消")
	mustContain(t, r, "继续 2")
	w.refusedUnchanged(mgr, "删除 2", "err.forbidden_op")
	r = w.say(emp, "删除 2")
	mustContain(t, r, "草稿 #2 已删除")
	if s := w.plan(2).Status; s != bot.StatusDeleted {
		t.Fatalf("status %s", s)
	}
	if strings.Contains(text(w.say(emp, "我的计划")), "#2") {
		t.Error("a deleted draft is still listed")
	}
	if !hasAudit(w, "plan.delete", "") {
		t.Error("the deletion is not audited")
	}
	w.refusedUnchanged(emp, "删除 1", "err.bad_state") // not a draft
}

// TestGuideBelongsToItsChat: text in another chat never answers a guide.
func TestGuideBelongsToItsChat(t *testing.T) {
	w := newWorld(t)
	w.say(emp, "新建")
	r := w.sayIn(emp, "oc_team", "2")
	if strings.Contains(text(r), "员工类型") {
		t.Fatalf("a group message answered the DM's guide:\n%s", text(r))
	}
	if w.plan(1).EmployeeType != bot.TypeUnderPerformer {
		t.Fatal("the guide took an answer from another chat")
	}
	w.say(emp, "2")
	if w.plan(1).EmployeeType != bot.TypeHighPotential {
		t.Fatal("the guide's own chat no longer answers it")
	}
}
