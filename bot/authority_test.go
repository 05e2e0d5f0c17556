package bot_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// refusedUnchanged runs text as p and fails unless it is refused with the
// key's text and changes nothing.
func (w *world) refusedUnchanged(p bot.Person, text, key string) []bot.Reply {
	w.t.Helper()
	before := w.snap()
	r := w.say(p, text)
	got := bot.T(bot.LocaleZH, key)
	if p.Locale == bot.LocaleEN {
		got = bot.T(bot.LocaleEN, key)
	}
	if !strings.HasPrefix(text2(r), "⚠️") {
		w.t.Fatalf("%s %q was accepted:\n%s", p.Name, text, text2(r))
	}
	if want := literalOf(got); !strings.Contains(text2(r), want) {
		w.t.Errorf("%s %q: reply lacks %q (%s):\n%s", p.Name, text, want, key, text2(r))
	}
	if !reflect.DeepEqual(before, w.snap()) {
		w.t.Errorf("%s %q was refused but changed state", p.Name, text)
	}
	return r
}

func text2(r []bot.Reply) string { return text(r) }

// literalOf is the longest fixed part of a formatted template.
func literalOf(s string) string {
	best := ""
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '%' }) {
		part = strings.TrimLeft(part, "[]0123456789dsvq")
		if len([]rune(part)) > len([]rune(best)) {
			best = part
		}
	}
	return best
}

// TestManagerDraftedGoesUp: a plan the manager drafts for a report is
// approved by the manager's own manager, never by the drafter; a plan
// drafted by someone with nobody above goes to HR.
func TestManagerDraftedGoesUp(t *testing.T) {
	w := newWorld(t)
	w.say(mgr, "新建 <@u_emp>")
	for _, l := range []string{"1", "季度销售额 50万 35万 元", "个人 客户跟进不及时", "完成", "季度销售额 35万 50万 元 30天", "完成", "拜访客户 | 每周五", "完成", "默认"} {
		w.say(mgr, l)
	}
	p := w.plan(1)
	if p.ManagerID != mgr.ID || p.CreatedBy != mgr.ID || p.EmployeeID != emp.ID {
		t.Fatalf("plan = manager %s drafter %s employee %s", p.ManagerID, p.CreatedBy, p.EmployeeID)
	}
	r := w.say(mgr, "提交 1")
	mustContain(t, r, "计划 #1 已提交给 赵总监 审批")
	if got := buttons(r, boss.ID); len(got) == 0 || got[0] != "plan.approve" {
		t.Fatalf("the director got no approval card: %v", got)
	}
	w.refusedUnchanged(mgr, "批准 1", "err.forbidden_op")
	w.say(boss, "批准 1")
	if s := w.plan(1).Status; s != bot.StatusApproved {
		t.Fatalf("after the director's approval the plan is %s", s)
	}

	// 赵总监 drafts for 王经理, who reports to him; nobody is above him.
	w = newWorld(t)
	w.say(boss, "新建 <@u_mgr>")
	for _, l := range []string{"1", "团队人效 100 80", "个人 授权不足", "完成", "团队人效 80 100 30天", "完成", "周会复盘 | 每周一", "完成", "默认"} {
		w.say(boss, l)
	}
	r = w.say(boss, "提交 1")
	mustContain(t, r, "计划 #1 已提交给 HR 审批")
	if p := w.plan(1); p.Stage != bot.StageHR || p.ApproverID != "" {
		t.Fatalf("stage %s approver %q, want HR", p.Stage, p.ApproverID)
	}
	w.refusedUnchanged(boss, "批准 1", "err.forbidden_op")
	w.say(hr, "approve 1")
	if s := w.plan(1).Status; s != bot.StatusApproved {
		t.Fatalf("after HR's approval the plan is %s", s)
	}
}

// TestHRCoApproval: with approval: manager+hr the manager's approval passes
// the plan on to HR, and only HR's makes it approved; HR is told either way.
func TestHRCoApproval(t *testing.T) {
	w := newWorld(t)
	w.policy.Approval = bot.ApproveManagerHR
	inSubmitted(w)
	r := w.say(mgr, "批准 1")
	mustContain(t, r, "现交由 HR 审批")
	p := w.plan(1)
	if p.Status != bot.StatusSubmitted || p.Stage != bot.StageHR || p.ApprovedBy != mgr.ID {
		t.Fatalf("after the manager: %s stage %s approved by %q", p.Status, p.Stage, p.ApprovedBy)
	}
	if got := buttons(r, hr.ID); len(got) == 0 || got[0] != "plan.approve" {
		t.Fatalf("HR was not asked to approve: %v", got)
	}
	w.refusedUnchanged(mgr, "批准 1", "err.forbidden_op")
	w.refusedUnchanged(emp, "批准 1", "err.forbidden_op")
	r = w.say(hr, "approve 1")
	p = w.plan(1)
	if p.Status != bot.StatusApproved || p.HRApprovedBy != hr.ID {
		t.Fatalf("after HR: %s, HR approval by %q", p.Status, p.HRApprovedBy)
	}
	if !recipients(r)[emp.ID] {
		t.Error("the employee was not asked to acknowledge")
	}
	var steps []string
	for _, a := range w.store.audit {
		if strings.HasPrefix(a.Action, "plan.forward") || a.Action == "plan.approve" {
			steps = append(steps, a.Action+":"+string(a.Role))
		}
	}
	if got := strings.Join(steps, " "); got != "plan.forward:approver plan.approve:approver" {
		t.Errorf("approvals audited as %q", got)
	}
}

// TestHRToldOfApprovedAndClosed: HR hears of every approved and every
// closed plan, without asking.
func TestHRToldOfApprovedAndClosed(t *testing.T) {
	w := newWorld(t)
	inSubmitted(w)
	r := w.say(mgr, "批准 1")
	if !recipients(r)[hr.ID] {
		t.Error("HR was not told of the approval")
	}
	w2 := newWorld(t)
	w2.opts.Org = []bot.OrgEntry{{Employee: "console:u_other", HR: true}}
	w2.build()
	inActive(w2)
	w2.say(mgr, "结案 1 未达成 差距仍大")
	r = w2.say(hr, "close 1 confirm reviewed")
	if !recipients(r)[other.ID] {
		t.Error("the other HR user (from the org file) was not told of the closed plan")
	}
}

// TestNoManagerCannotSubmit: someone the directory names no manager for
// can write a draft, but not submit it; the refusal says who can fix it.
func TestNoManagerCannotSubmit(t *testing.T) {
	w := newWorld(t)
	n := w.draftPlan(boss)
	if m := w.plan(n).ManagerID; m != "" {
		t.Fatalf("the director has manager %q", m)
	}
	r := w.refusedUnchanged(boss, "提交 1", "err.no_manager")
	mustContain(t, r, "HR Lin", "汇报 @员工 @经理")
	// Everyone reports to the director: naming one of them would make a circle.
	w.refusedUnchanged(hr, "reports <@u_boss> <@u_hr>", "err.reports_cycle")
	_ = w.store.SavePerson(context.Background(), bot.Person{Tenant: w.tenant, ID: "u_ceo", Name: "钱总"})
	w.say(hr, "reports <@u_boss> <@u_ceo>")
	r = w.say(boss, "提交 1")
	mustContain(t, r, "已提交给 钱总 审批")
}

// TestReportingLines: HR names a manager only where neither the directory
// nor the org file does; the org file counts only where the directory
// names none; cycles, self and unknown people are refused.
func TestReportingLines(t *testing.T) {
	w := newWorld(t)
	w.opts.Org = []bot.OrgEntry{{Employee: "console:u_boss", Manager: "console:u_other", Line: 4},
		{Employee: "console:u_emp", Manager: "console:u_other", Line: 5}}
	w.build()
	w.refusedUnchanged(hr, "reports <@u_emp> <@u_boss>", "err.reports_directory") // the directory says 王经理
	w.refusedUnchanged(hr, "reports <@u_boss> <@u_mgr>", "err.reports_directory") // the org file says Eve
	w.refusedUnchanged(mgr, "汇报 <@u_emp_en> <@u_boss>", "err.forbidden_op")       // not HR
	w.refusedUnchanged(hr, "reports <@u_ghost> <@u_mgr>", "err.unknown_person")   // nobody
	n := w.draftPlan(emp)
	if m := w.plan(n).ManagerID; m != mgr.ID {
		t.Errorf("the directory's manager %q must win over the org file's", m)
	}
	// A person the directory and the org file leave without a manager.
	newbie := bot.Person{Tenant: w.tenant, ID: "u_new", Name: "小李"}
	_ = w.store.SavePerson(context.Background(), newbie)
	w.refusedUnchanged(hr, "reports <@u_new> <@u_new>", "err.self_manager")
	w.say(hr, "reports <@u_new> <@u_emp>")
	w.refusedUnchanged(hr, "reports <@u_emp> <@u_new>", "err.reports_directory")
	if p, _ := w.store.Person(context.Background(), w.tenant, "u_new"); p.AssignedManagerID != emp.ID {
		t.Fatalf("assigned manager %q", p.AssignedManagerID)
	}
	r := w.say(emp, "新建 <@u_new>")
	mustContain(t, r, "已为 小李 创建草稿")
	r = w.say(hr, "audit org")
	mustContain(t, r, "set a reporting line")
}

// TestStartOnlyDownTheLine: a peer or someone above is refused, a manager
// further up may start a plan, and HR may for anyone.
func TestStartOnlyDownTheLine(t *testing.T) {
	w := newWorld(t)
	w.refusedUnchanged(emp, "新建 <@u_emp_en>", "err.start_peer")
	w.refusedUnchanged(emp, "新建 <@u_mgr>", "err.start_peer")
	w.refusedUnchanged(mentor, "新建 <@u_emp>", "err.start_peer")
	r := w.say(boss, "新建 <@u_emp>")
	mustContain(t, r, "已为 张三 创建草稿 #1，经理（来自通讯录）：王经理")
	r = w.say(hr, "new <@u_mentor>")
	mustContain(t, r, "Draft #2 created for 李导师")
}

// TestHRGrants: only HR admins grant and revoke HR; the break-glass list
// and the org file's HR cannot be removed in chat; every change is audited.
func TestHRGrants(t *testing.T) {
	w := newWorld(t)
	w.opts.Org = []bot.OrgEntry{{Employee: "console:u_mentor", HR: true, Line: 7}}
	w.build()
	w.refusedUnchanged(mgr, "HR 添加 <@u_other>", "err.forbidden_op")
	r := w.say(hr, "hr add <@u_other>")
	mustContain(t, r, "Eve is now HR")
	if !recipients(r)[other.ID] {
		t.Error("Eve was not told")
	}
	w.refusedUnchanged(other, "hr add <@u_emp>", "err.forbidden_op") // granted HR, not an admin
	r = w.say(other, "全部计划")
	if strings.HasPrefix(text(r), "⚠️") {
		t.Fatalf("granted HR cannot act as HR: %s", text(r))
	}
	w.refusedUnchanged(hr, "hr remove <@u_hr>", "err.hr_breakglass")
	w.refusedUnchanged(hr, "hr remove <@u_mentor>", "err.hr_orgfile")
	w.refusedUnchanged(hr, "hr add <@u_other>", "err.hr_already")
	w.say(hr, "hr remove <@u_other>")
	r = w.say(other, "全部计划")
	if !strings.HasPrefix(text(r), "⚠️") {
		t.Fatal("revoked HR still sees every plan")
	}
	var actions []string
	for _, a := range w.store.audit {
		if a.PlanID == 0 {
			actions = append(actions, a.Action+" "+a.Detail)
		}
	}
	if got := strings.Join(actions, ","); got != "org.hr_grant u_other,org.hr_revoke u_other" {
		t.Errorf("audit = %q", got)
	}
}

// TestDirectoryLookupBeforeWriting: a manager pipbot has never met is
// looked up in the platform's directory before the approval request, so
// it arrives in their language and shows names, not ids.
func TestDirectoryLookupBeforeWriting(t *testing.T) {
	w := newWorld(t)
	delete(w.store.people, w.tenant+"/"+mgr.ID)
	dir := &fakeProfiles{people: map[string]bot.Person{mgr.ID: {ID: mgr.ID, Name: "Wang (EN)", Locale: bot.LocaleEN, TZ: "America/New_York", ManagerID: boss.ID}}}
	w.opts.Profiles = dir
	w.build()
	n := w.draftPlan(emp)
	r := w.say(emp, "提交 "+itoa(n))
	var toMgr string
	for _, rep := range r {
		if rep.To == mgr.ID {
			toMgr = rep.Message.Text()
		}
	}
	if !strings.Contains(toMgr, "submitted by 张三 for your approval") || strings.Contains(toMgr, "u_emp") {
		t.Errorf("the manager's request is not in English with names:\n%s", toMgr)
	}
	if dir.calls == 0 {
		t.Error("the directory was never asked")
	}
	r = w.say(emp, "新建 <@u_nobody>")
	mustContain(t, r, literal(bot.LocaleZH, "err.unknown_person"))
}

// fakeProfiles is a platform directory: it knows some people and says
// ErrNotFound of everyone else.
type fakeProfiles struct {
	people map[string]bot.Person
	calls  int
}

func (f *fakeProfiles) Profile(_ context.Context, tenant, id string) (bot.Person, error) {
	f.calls++
	p, ok := f.people[id]
	if !ok {
		return bot.Person{}, errors.Join(errors.New("users.info: user_not_found"), bot.ErrNotFound)
	}
	p.Tenant = tenant
	return p, nil
}
