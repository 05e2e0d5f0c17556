package bot_test

import (
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// TestDisagreementStaysAndTellsHR: acknowledging with a disagreement starts
// the plan, tells HR and the manager, and stays on the plan for its readers
// (not its mentor).
func TestDisagreementStaysAndTellsHR(t *testing.T) {
	w := newWorld(t)
	inApproved(w)
	r := w.say(emp, "确认 1 有异议 目标定得过高，市场在萎缩")
	mustContain(t, r, "你的异议已记录在计划中并转交 HR")
	if !recipients(r)[hr.ID] || !recipients(r)[mgr.ID] {
		t.Errorf("disagreement told %v; want HR and the manager", recipients(r))
	}
	if s := w.plan(1).Status; s != bot.StatusActive {
		t.Fatalf("acknowledged with objection: %s", s)
	}
	mustContain(t, w.say(hr, "show 1"), "employee's disagreement", "目标定得过高")
	mustContain(t, w.say(mgr, "查看 1"), "目标定得过高")
	if strings.Contains(text(w.say(mentor, "查看 1")), "目标定得过高") {
		t.Error("the mentor reads the employee's disagreement")
	}
	w2 := newWorld(t)
	inApproved(w2)
	w2.refusedUnchanged(emp, "确认 1 有异议", "err.disagree_reason")
	w2.say(emp, "ack 1 I will do my best")
	mustContain(t, w2.say(mgr, "show 1"), "I will do my best")
}

// TestDisagreeButton: the card's second button asks for the reason first.
func TestDisagreeButton(t *testing.T) {
	w := newWorld(t)
	r := func() []bot.Reply { inSubmitted(w); return w.say(mgr, "批准 1") }()
	if got := buttons(r, emp.ID); len(got) < 2 || got[1] != "plan.ack" {
		t.Fatalf("employee buttons %v", got)
	}
	r = w.act(emp, "plan.ack", map[string]string{"plan": "1", "disagree": "1"}, nil)
	f, ok := r[0].Message.Blocks[0].(bot.Form)
	if w.plan(1).Status != bot.StatusApproved || !ok || !strings.Contains(f.Title, "记录异议") || f.Inputs[0].Name != "reason" {
		t.Fatalf("the button acknowledged without asking: %+v", r[0].Message)
	}
	w.act(emp, "plan.ack", map[string]string{"plan": "1", "disagree": "1"}, map[string]string{"reason": "资源不足"})
	if w.plan(1).Status != bot.StatusActive || w.store.notes[0].Kind != bot.NoteDisagree {
		t.Fatalf("disagreement not recorded: %+v", w.store.notes)
	}
}

// TestShortNoticeInterview: closer than three working days needs a reason,
// which every attendee sees with a short-notice warning.
func TestShortNoticeInterview(t *testing.T) {
	w := newWorld(t) // Monday 2026-11-16
	inActive(w)
	// Thursday's notice goes out this morning, three working days before.
	w.refusedUnchanged(mgr, "面谈 1 预约 2026-11-19 15:00", "err.short_notice")
	r := w.say(mgr, "面谈 1 预约 2026-11-19 15:00 理由 员工下周休假")
	mustContain(t, r, "临时通知：距面谈不足 3 个工作日。理由：员工下周休假")
	for _, rep := range r {
		if rep.To == emp.ID && !strings.Contains(rep.Message.Text(), "临时通知") {
			t.Errorf("the employee is not told it is short notice:\n%s", rep.Message.Text())
		}
	}
	iv := w.store.ivs[0]
	if !iv.ShortNotice || iv.NoticeReason != "员工下周休假" {
		t.Fatalf("interview = %+v", iv)
	}
	if !hasAudit(w, "interview.book", "short notice: 员工下周休假") {
		t.Error("the short notice and its reason are not audited")
	}
	r = w.say(mgr, "面谈 1 预约 2026-11-20 10:00") // Friday: its notice goes out tomorrow
	if strings.HasPrefix(text(r), "⚠️") || strings.Contains(text(r), "临时通知") {
		t.Errorf("a booking on time is short notice:\n%s", text(r))
	}
}

// TestInterviewRecordAndRatings: the employee prepares, the manager records
// by agenda section with strengths and gaps, both confirm and each rates
// once, 1–5.
func TestInterviewRecordAndRatings(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.say(mgr, "面谈 1 预约 14天后 15:00")
	w.refusedUnchanged(mgr, "面谈 1 自评 替员工写", "err.forbidden_op")
	w.say(emp, "面谈 1 自评 跟进更及时了")
	w.say(emp, "面谈 1 诉求 需要 CRM 培训")
	w.refusedUnchanged(emp, "面谈 1 评价 5 很好", "err.interview_not_held")
	r := w.say(mgr, "面谈 1 记录 开场: 说明目的 回顾: 数据回顾 共识: 每周复盘 总结: 一致 优势: 客户关系 差距: 新客户开发")
	mustContain(t, r, "开场: 说明目的", "回顾: 数据回顾", "达成共识: 每周复盘", "总结: 一致", "优势项: 客户关系", "待改进项: 新客户开发", "自我分析: 跟进更及时了", "诉求: 需要 CRM 培训")
	if got := buttons(r, emp.ID); len(got) == 0 || got[0] != "interview.ok" {
		t.Errorf("the employee is not asked to confirm: %v", got)
	}
	w.refusedUnchanged(emp, "面谈 1 评价 6 太好了", "err.rate_score")
	w.refusedUnchanged(emp, "面谈 1 评价 很好", "err.rate_score")
	w.say(emp, "面谈 1 评价 4 有帮助")
	w.refusedUnchanged(emp, "面谈 1 评价 5 改主意了", "err.already_rated")
	w.refusedUnchanged(mentor, "面谈 1 评价 5 旁观", "err.forbidden_op")
	w.say(mgr, "面谈 1 评价 5 坦诚")
	iv := w.store.ivs[0]
	if len(iv.Ratings) != 2 || iv.Ratings[0].Score != 4 || iv.Ratings[1].Role != bot.RoleManager {
		t.Fatalf("ratings = %+v", iv.Ratings)
	}
	if iv.Record["agreement"] != "每周复盘" || iv.Strengths != "客户关系" || iv.Gaps != "新客户开发" {
		t.Fatalf("record = %+v strengths %q gaps %q", iv.Record, iv.Strengths, iv.Gaps)
	}
}

// TestAuditViewLocalisedAndVerified: actions by name in the reader's
// language, times in their zone, people by name; a tampered entry shows a
// warning.
func TestAuditViewLocalisedAndVerified(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.say(mgr, "面谈 1 预约 14天后 15:00")
	r := w.say(hr, "audit 1")
	mustContain(t, r, "王经理 (approver, terminal) · approved · submitted → awaiting acknowledgment",
		"booked an interview · - → 2026-11-30 Mon 15:00 CST", "17:00 CST", "(3 checked)"[1:])
	if strings.Contains(text(r), "plan.approve") || strings.Contains(text(r), "u_mgr") || strings.Contains(text(r), "T07:00:00Z") {
		t.Errorf("raw codes, ids or UTC times in the audit view:\n%s", text(r))
	}
	if strings.Contains(text(r), "⚠️") {
		t.Fatalf("an untouched log warns:\n%s", text(r))
	}
	w.store.audit[3].Detail = "edited in the database"
	r = w.say(hr, "audit 1")
	mustContain(t, r, "⚠️ The audit log does not verify: entry 4 was changed")
	r = w.say(mgr, "审计 1")
	mustContain(t, r, "⚠️ 审计记录校验失败：第 4 条记录的内容被改动过")
}

// TestGoalRules: a goal can be edited; its deadline may not fall after the
// plan's end; values outside its scale and text where a number belongs are
// refused; a gap where lower is better reads as a reduction.
func TestGoalRules(t *testing.T) {
	w := newWorld(t)
	n := inDraft(w)
	w.say(emp, "目标 1 客户满意度 60 80 分 30天")
	w.refusedUnchanged(emp, "目标 1 修改 2 客户满意度 60 80 分 2027-06-30", "err.goal_after_end")
	w.say(emp, "目标 1 修改 2 客户满意度 60 85 分 30天")
	if g := w.plan(n).Goal(2); g == nil || g.Target != 85 {
		t.Fatalf("goal 2 = %+v", g)
	}
	w.refusedUnchanged(emp, "目标 1 修改 9 客户满意度 60 85 分 30天", "err.no_item")
	w.say(emp, "提交 1")
	w.say(mgr, "批准 1")
	w.say(emp, "确认 1")
	w.refusedUnchanged(emp, "更新 客户满意度 200 爆表", "err.out_of_range")
	w.refusedUnchanged(mgr, "评估 1 客户满意度 abc 还行", "err.value_expected")
	w.refusedUnchanged(mgr, "review 1 #1 400000 #2 abc fine", "err.value_expected")
	w.say(emp, "差距 1 客户投诉率 3% 8%")
	r := w.say(mgr, "新建 <@u_emp_en>")
	_ = r
	w.say(mgr, "1")
	r = w.say(mgr, "客户投诉率 3% 8%")
	mustContain(t, r, "客户投诉率：目标 3%，实际 8%，需降低 5%")
	if strings.Contains(text(r), "-5%") {
		t.Errorf("a lower-is-better gap reads as negative:\n%s", text(r))
	}
}

// TestTextLimitsAndInvisible: over-long text is refused with its limit;
// invisible characters in the command word are not taken as a command.
func TestTextLimitsAndInvisible(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.refusedUnchanged(emp, "更新 "+strings.Repeat("很", 2001), "err.too_long")
	w.refusedUnchanged(mgr, "退回 1 "+strings.Repeat("x", 501), "err.too_long")
	w.refusedUnchanged(mgr, "\u200b批准 1", "err.invisible")
	w.refusedUnchanged(mgr, "批\u200d准 1", "err.invisible")
	w.refusedUnchanged(mgr, "\u202e1 准批", "err.invisible")
	r := w.say(emp, "更新 销售额 42万 好消息 👨‍👩‍👧 全家支持")
	if strings.HasPrefix(text(r), "⚠️") {
		t.Errorf("an emoji with joiners in free text was refused: %s", text(r))
	}
}
