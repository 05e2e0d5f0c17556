package bot_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// TestGuideTwoProblems: the guide asks for another core problem after the
// first one's goals; the second gets its own causes and goals, ranks after
// the first, and the card shows each problem with its goals in rank order.
func TestGuideTwoProblems(t *testing.T) {
	w := newWorld(t)
	w.say(mgr, "新建 <@u_emp>")
	for _, line := range []string{"1", "季度销售额 50万 35万 元", "个人 客户跟进不及时", "完成",
		"季度销售额 35万 50万 元 2个月", "完成"} {
		w.say(mgr, line)
	}
	r := w.say(mgr, "客户投诉率 3% 8%")
	mustContain(t, r, "核心问题 2", "当前：核心问题 2")
	w.say(mgr, "环境 交接流程不清")
	w.say(mgr, "完成")
	w.say(mgr, "客户投诉率 8% 3% 2个月")
	w.say(mgr, "完成")
	w.say(mgr, "完成") // no third problem
	w.say(mgr, "每日9:00站会 | 经理")
	w.say(mgr, "产品培训 | 2026-12-31前 | HR | 培训预算 | 考试成绩")
	w.say(mgr, "完成")
	r = w.say(mgr, "默认")
	p := w.plan(1)
	if len(p.Problems) != 2 || p.Problems[1].Priority != 2 || len(p.Problems[1].Causes) != 1 || p.Problems[1].Causes[0].Dimension != bot.DimEnvironment {
		t.Fatalf("problems = %+v", p.Problems)
	}
	if len(p.Goals) != 2 || p.Goals[0].Problem != 1 || p.Goals[1].Problem != 2 {
		t.Fatalf("goals = %+v", p.Goals)
	}
	if a := p.Actions; len(a) != 2 || a[0].Kind() != bot.OwnerManager || a[0].When.Repeat != bot.RepeatDaily || a[0].When.Clock != "09:00" ||
		a[1].Kind() != bot.OwnerHR || a[1].When.Repeat != bot.RepeatOnce || !a[1].When.By || a[1].Measure != "考试成绩" {
		t.Fatalf("actions = %+v", a)
	}
	mustContain(t, r, "核心问题 1 · 优先级 1", "核心问题 2 · 优先级 2", "责任人：经理 王经理", "责任人：HR", "每天 09:00", "2026-12-31 周四前")
	// Re-rank: problem 2 first; the card follows.
	r = w.say(mgr, "问题 1 优先级 2 1")
	got := text(r)
	if i, j := strings.Index(got, "核心问题 2 · 优先级 1"), strings.Index(got, "核心问题 1 · 优先级 2"); i < 0 || j < 0 || i > j {
		t.Fatalf("problem 2 is not shown first after re-ranking:\n%s", got)
	}
	if i, j := strings.Index(got, "1. 季度销售额"), strings.Index(got, "2. 客户投诉率"); i < j {
		t.Errorf("goals are not shown under their problem in rank order:\n%s", got)
	}
	// Submitting needs causes and a goal for every problem.
	w.say(mgr, "问题 1 新增 续约率 90% 70%")
	r = w.say(mgr, "提交 1")
	mustContain(t, r, "问题 3「续约率」的根本原因", "问题 3「续约率」的目标")
	w.say(mgr, "problem 1 remove 3")
	if n := len(w.plan(1).Problems); n != 2 {
		t.Fatalf("%d problems after removing one", n)
	}
}

// TestActionOwnersMarkDone: who may mark an action done is its owner, the
// plan's manager or HR; a named owner outside the plan may mark theirs and
// learns nothing more of the plan; the card's done buttons follow who reads.
func TestActionOwnersMarkDone(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.say(mgr, "行动 1 添加 每周一对一 | 每周一 17:00前 | 经理")
	w.say(mgr, "action 1 add product training | by 2026-12-31 | HR | budget | exam")
	r := w.say(mgr, "action 1 add ride-along | every other Tuesday 10am | <@u_other>")
	var told []bot.Reply
	for _, x := range r {
		if x.To == other.ID {
			told = append(told, x)
		}
	}
	if len(told) != 1 || !told[0].Private || !reflect.DeepEqual(doneButtons(told), []string{"4"}) {
		t.Fatalf("the named owner was not told one-to-one with a done button: %+v", told)
	}
	mustContain(t, told, "王经理 made you the owner of an action: ride-along (time node: every 2 weeks on Tuesday 10:00)", "done 1 4")
	if got := text(told); strings.Contains(got, "张三") || strings.Contains(got, "季度销售额") {
		t.Errorf("the named owner was told about the plan itself:\n%s", got)
	}
	r = w.say(emp, "查看 1")
	if got := doneButtons(r); !reflect.DeepEqual(got, []string{"1"}) {
		t.Errorf("the employee's done buttons = %v, want only their own action 1", got)
	}
	r = w.say(mgr, "查看 1")
	if got := doneButtons(r); !reflect.DeepEqual(got, []string{"1", "2", "3", "4"}) {
		t.Errorf("the manager's done buttons = %v, want every action", got)
	}
	before := w.snap()
	r = w.act(emp, "action.done", map[string]string{"plan": "1", "action": "2"}, nil)
	mustContain(t, r, "只有")
	if !reflect.DeepEqual(before, w.snap()) {
		t.Fatal("a refused click changed the plan")
	}
	w.act(mgr, "action.done", map[string]string{"plan": "1", "action": "2"}, nil)
	w.say(hr, "done 1 3")
	r = w.say(other, "done 1 4")
	mustContain(t, r, "Action 4 of plan #1 is now: done.")
	if strings.Contains(text(r), "季度销售额") {
		t.Errorf("a named owner outside the plan was shown the plan:\n%s", text(r))
	}
	w.refusedUnchanged(other, "done 1 1", "err.plan_not_found")
	p := w.plan(1)
	for no, by := range map[int]string{2: mgr.ID, 3: hr.ID, 4: other.ID} {
		if a := p.Action(no); a.Status != bot.ActionDone || a.DoneBy != by || a.DoneAt.IsZero() {
			t.Errorf("action %d = %+v, want done by %s", no, a, by)
		}
	}
	if !hasAudit(w, "plan.action_status", "#4") {
		t.Error("the named owner's change is not audited")
	}
	w.say(mgr, "行动 1 删除 3")
	if p := w.plan(1); p.Action(3) != nil || len(p.Actions) != 3 {
		t.Errorf("action 3 not removed: %+v", p.Actions)
	}
	w.say(mgr, "action 1 add weekly review | every Friday 17:00")
	if a := w.plan(1).Action(5); a == nil || a.What != "weekly review" {
		t.Errorf("a new action is not numbered after the highest: %+v", w.plan(1).Actions)
	}
}

// TestTrackingLogPrivate: the manager and mentor write tracking notes, by
// command or form; the manager, mentor and HR read them on the plan, the
// employee never; the audit entry holds no text.
func TestTrackingLogPrivate(t *testing.T) {
	w := newWorld(t)
	inDraft(w) // assigns the mentor
	w.say(emp, "提交 1")
	w.say(mgr, "批准 1")
	w.say(emp, "确认 1")
	r := w.say(mgr, "跟踪 1 本周完成3次客户模拟沟通")
	mustContain(t, r, "员工不可见")
	r = w.say(mgr, "track 1")
	var form *bot.Form
	for _, b := range r[0].Message.Blocks {
		if f, ok := b.(bot.Form); ok {
			form = &f
		}
	}
	if form == nil || form.Action.ID != "plan.track" {
		t.Fatalf("track without text gives no form: %s", text(r))
	}
	before := w.snap()
	r = w.act(mentor, "plan.track", form.Action.Args, map[string]string{"text": "  "})
	if r[0].Errors["text"] == "" || !reflect.DeepEqual(before, w.snap()) {
		t.Fatalf("an empty note was not refused in place: %+v", r[0].Errors)
	}
	w.now = w.now.Add(7 * 24 * time.Hour)
	w.act(mentor, "plan.track", form.Action.Args, map[string]string{"text": "辅导了开场白，进步明显"})
	for _, reader := range []bot.Person{mgr, mentor, hr} {
		mustContain(t, w.say(reader, "查看 1"), "本周完成3次客户模拟沟通", "辅导了开场白")
	}
	if got := text(w.say(emp, "查看 1")); strings.Contains(got, "模拟沟通") || strings.Contains(got, "开场白") || strings.Contains(got, "跟踪日志") {
		t.Fatalf("the employee sees the tracking log:\n%s", got)
	}
	notes := 0
	for _, n := range w.store.notes {
		if n.Kind == bot.NoteTracking {
			notes++
		}
	}
	if notes != 2 {
		t.Errorf("%d tracking notes stored, want 2", notes)
	}
	for _, a := range w.store.audit {
		if a.Action == "plan.track" && (a.Detail != "" || a.From != "" || a.To != "") {
			t.Errorf("a tracking audit entry holds text: %+v", a)
		}
	}
	if !hasAudit(w, "plan.track", "") {
		t.Error("tracking notes are not audited")
	}
}

// doneButtons lists the action numbers of the "mark done" buttons.
func doneButtons(replies []bot.Reply) []string {
	var out []string
	for _, r := range replies {
		for _, b := range r.Message.Blocks {
			if bs, ok := b.(bot.Buttons); ok {
				for _, x := range bs {
					if x.Action.ID == "action.done" {
						out = append(out, x.Action.Args["action"])
					}
				}
			}
		}
	}
	return out
}

// TestCreateFormTables: the one-form draft takes a second core problem
// and the first action's owner, time node and metric; each wrong input is
// named in place, in the reader's language, and nothing is stored until
// all are right.
func TestCreateFormTables(t *testing.T) {
	w := newWorld(t)
	values := map[string]string{"employee": emp.ID, "type": "under_performer",
		"gap_metric": "季度销售额", "gap_target": "50万", "gap_actual": "35万", "cause_dim": "person", "cause_text": "跟进不及时",
		"goal_metric": "季度销售额", "goal_baseline": "35万", "goal_target": "50万", "goal_deadline": "2027-01-31",
		"gap_metric2": "客户投诉率", "cause_dim2": "environment",
		"action_what": "站会", "action_when": "每周八", "action_owner": "boss", "action_measure": "出勤"}
	before := w.snap()
	r := w.act(hr, "plan.create", nil, values)
	for _, f := range []string{"gap_target2", "gap_actual2", "cause_text2", "goal_metric2", "goal_deadline2", "action_when", "action_owner"} {
		if r[0].Errors[f] == "" {
			t.Errorf("no error for %s: %v", f, r[0].Errors)
		}
	}
	for _, f := range []string{"gap_metric", "goal_deadline", "action_what", "gap_metric2"} {
		if r[0].Errors[f] != "" {
			t.Errorf("an error for the right input %s: %s", f, r[0].Errors[f])
		}
	}
	if got := r[0].Errors["action_when"]; !strings.Contains(got, "Cannot read the time node") {
		t.Errorf("the time node's error is not in HR's English: %q", got)
	}
	if !reflect.DeepEqual(before, w.snap()) {
		t.Fatal("an invalid form stored something")
	}
	values["gap_target2"], values["gap_actual2"], values["cause_text2"] = "3%", "8%", "交接不清"
	values["goal_metric2"], values["goal_baseline2"], values["goal_target2"], values["goal_deadline2"] = "客户投诉率", "8%", "3%", "2027-01-31"
	values["action_when"], values["action_owner"] = "每个工作日 9:00", "manager"
	r = w.act(hr, "plan.create", nil, values)
	if strings.HasPrefix(text(r), "⚠️") {
		t.Fatalf("valid form refused: %s", text(r))
	}
	p := w.plan(1)
	if len(p.Problems) != 2 || p.Problems[1].Causes[0].Dimension != bot.DimEnvironment || p.Goals[1].Problem != 2 {
		t.Fatalf("problems %+v goals %+v", p.Problems, p.Goals)
	}
	if a := p.Actions[0]; a.Kind() != bot.OwnerManager || a.When.Repeat != bot.RepeatWorkdays || a.Measure != "出勤" {
		t.Fatalf("action = %+v", a)
	}
}

// TestGuideTablesInEnglish: the same tables typed in English, with a bad
// time node and an unknown owner explained in English and nothing lost.
func TestGuideTablesInEnglish(t *testing.T) {
	w := newWorld(t)
	for _, line := range []string{"new", "2", "quarterly sales 500000 350000 CNY", "person slow follow-up", "done",
		"quarterly sales 350000 500000 CNY 2months", "done", "complaint rate 3% 8%"} {
		w.say(empEN, line)
	}
	r := w.say(empEN, "environment unclear handover")
	mustContain(t, r, "Now: core problem 2")
	for _, line := range []string{"done", "complaint rate 8% 3% 2months", "done", "done"} {
		w.say(empEN, line)
	}
	r = w.say(empEN, "stand-up | every Funday 9am | manager")
	mustContain(t, r, literal(bot.LocaleEN, "err.bad_time_node"))
	r = w.say(empEN, "ride-along | every other Tuesday 10am | <@u_ghost>")
	if !strings.HasPrefix(text(r), "⚠️") {
		t.Errorf("an action owned by someone unknown was accepted:\n%s", text(r))
	}
	w.say(empEN, "stand-up | every working day 9:00 | manager")
	w.say(empEN, "every Friday by 5pm update the visit log | CRM access | visits")
	w.say(empEN, "done")
	r = w.say(empEN, "ok")
	p := w.plan(1)
	if len(p.Problems) != 2 || len(p.GoalsOf(2)) != 1 || len(p.Actions) != 2 {
		t.Fatalf("problems %+v goals %+v actions %+v", p.Problems, p.Goals, p.Actions)
	}
	if a := p.Actions[1]; a.Kind() != bot.OwnerEmployee || a.When.Repeat != bot.RepeatWeekly || !a.When.By || a.When.Clock != "17:00" || a.Resources != "CRM access" || a.Measure != "visits" {
		t.Errorf("the second action: %+v", a)
	}
	mustContain(t, r, "Core problem 2 · priority 2", "owner: manager 王经理", "every working day 09:00", "every Friday by 17:00")
}
