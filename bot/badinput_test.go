package bot_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// literal is the longest fixed part of a message template, to find it in a
// formatted reply.
func literal(l bot.Locale, key string) string {
	parts := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`).Split(bot.T(l, key), -1)
	best := ""
	for _, p := range parts {
		if len([]rune(p)) > len([]rune(best)) {
			best = p
		}
	}
	return best
}

// TestBadInput sends every command malformed, out of range, in the wrong
// state or by the wrong person, in Chinese and in English: each gets the
// localised explanation of what to do, and nothing changes.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name  string
		setup stage
		as    bot.Person
		zh    string
		en    string
		key   string
	}{
		{"unknown command", inActive, mgr, "跳舞 1", "dance 1", "err.unknown_command"},
		{"new: bad type", inActive, mgr, "新建 <@u_emp_en> 巫师", "new <@u_emp_en> wizard", "err.bad_type"},
		{"new: a peer", inActive, emp, "新建 <@u_emp_en>", "new <@u_emp_en>", "err.start_peer"},
		{"new: unknown person", inActive, mgr, "新建 <@u_ghost>", "new <@u_ghost>", "err.unknown_person"},
		{"show: no plan", inActive, mgr, "查看", "show", "err.plan_missing"},
		{"show: bad ref", inActive, mgr, "查看 abc", "show abc", "err.plan_ref"},
		{"show: unknown plan", inActive, mgr, "查看 99", "show 99", "err.plan_not_found"},
		{"gap: malformed", inDraft, mgr, "差距 1 销售额 很多", "gap 1 sales lots", "err.gap_format"},
		{"gap: not a draft", inActive, mgr, "差距 1 销售额 50万 35万", "gap 1 sales 500000 350000", "err.not_draft"},
		{"cause: bad dimension", inDraft, mgr, "原因 1 天气 运气不好", "cause 1 weather bad luck", "err.cause_dimension"},
		{"goal: bad date", inDraft, mgr, "目标 1 销售额 1 2 某天", "goal 1 sales 1 2 someday", "err.bad_date"},
		{"goal: past deadline", inDraft, mgr, "目标 1 销售额 1 2 2020-01-01", "goal 1 sales 1 2 2020-01-01", "err.date_past"},
		{"goal: same target", inDraft, mgr, "目标 1 销售额 5 5 2个月", "goal 1 sales 5 5 2months", "err.goal_same"},
		{"end: past", inDraft, mgr, "结束日期 1 2020-01-01", "end 1 2020-01-01", "err.date_past"},
		{"submit: wrong state", inActive, mgr, "提交 1", "submit 1", "err.bad_state"},
		{"approve: draft", inDraft, mgr, "批准 1", "approve 1", "err.bad_state"},
		{"changes: no reason", inSubmitted, mgr, "退回 1", "changes 1", "err.reason_required"},
		{"ack: not employee", inApproved, mgr, "确认 1", "ack 1", "err.forbidden_op"},
		{"update: out of range", inActive, emp, "更新 #1 销售额 -5 下滑", "update #1 #1 -5 down", "err.out_of_range"},
		{"update: nothing running", inDraft, emp, "更新 销售额 42万", "update sales 420000", "err.no_running_plan"},
		{"action: empty", inActive, mgr, "行动 1", "action 1", "err.action_format"},
		{"done: no such action", inActive, mgr, "完成 1 9", "done 1 9", "err.no_item"},
		{"done: missing number", inActive, mgr, "完成 1", "done 1", "err.done_format"},
		{"interview: bad time", inActive, mgr, "面谈 1 预约 明天 25:00", "interview 1 book tomorrow 25:00", "err.bad_datetime"},
		{"interview: too long", inActive, mgr, "面谈 1 预约 2026-12-01 15:00 90", "interview 1 book 2026-12-01 15:00 90", "err.interview_minutes"},
		{"interview: past", inActive, mgr, "面谈 1 预约 2020-01-01 10:00", "interview 1 book 2020-01-01 10:00", "err.date_past"},
		{"interview: unknown sub", inActive, mgr, "面谈 1 跳舞", "interview 1 dance", "err.interview_format"},
		{"interview: none to cancel", inActive, mgr, "面谈 1 取消", "interview 1 cancel", "err.no_interview"},
		{"review: no assessment", inActive, mgr, "评估 1 销售额 40万", "review 1 #1 400000", "err.assessment_required"},
		{"close: bad outcome", inActive, mgr, "结案 1 很好", "close 1 great", "err.bad_outcome"},
		{"close: no lessons", inActive, mgr, "结案 1 达成", "close 1 achieved", "err.lessons_required"},
		{"extend: no date", inActive, mgr, "延期 1", "extend 1", "err.extend_date"},
		{"extend: earlier date", inActive, mgr, "延期 1 2026-12-01", "extend 1 2026-12-01", "err.extend_after"},
		{"cancel: no reason", inActive, mgr, "取消 1", "cancel 1", "err.reason_required"},
		{"adjust: no such goal", inActive, mgr, "调整 1 9 100 原因", "adjust 1 9 100 reason", "err.no_item"},
		{"adjust: bad number", inActive, mgr, "调整 1 1 很多 原因", "adjust 1 1 lots reason", "err.bad_number"},
		{"adjust: no reason", inActive, mgr, "调整 1 1 48万", "adjust 1 1 480000", "err.adjust_format"},
		{"adjust: same target", inActive, mgr, "调整 1 1 50万 原因", "adjust 1 1 500000 reason", "err.adjust_same"},
		{"mentor: no mention", inActive, mgr, "导师 1 老李", "mentor 1 bob", "err.mentor_format"},
		{"note: empty", inActive, mgr, "辅导 1", "note 1", "err.note_empty"},
		{"problem: malformed", inDraft, mgr, "问题 1 投诉率 很高", "problem 1 complaints high", "err.gap_format"},
		{"problem: no such problem", inDraft, mgr, "问题 1 删除 7", "problem 1 remove 7", "err.no_problem"},
		{"problem: bad priority", inDraft, mgr, "问题 1 优先级 1 9", "problem 1 rank 1 9", "err.bad_priority"},
		{"problem: bare", inDraft, mgr, "问题 1", "problem 1", "err.problem_format"},
		{"problem: not a draft", inActive, mgr, "问题 1 投诉率 3% 8%", "problem 1 complaints 3% 8%", "err.not_draft"},
		{"cause: unknown problem", inDraft, mgr, "原因 1 问题5 个人 沟通不足", "cause 1 problem 5 person poor handover", "err.no_problem"},
		{"goal: unknown problem", inDraft, mgr, "目标 1 问题5 投诉率 8% 3% 2个月", "goal 1 problem 5 complaints 8% 3% 2months", "err.no_problem"},
		{"action: bad time node", inActive, mgr, "行动 1 添加 复盘 | 每周八 17:00", "action 1 add review | every Funday 5pm", "err.bad_time_node"},
		{"action: remove a missing one", inActive, mgr, "行动 1 删除 9", "action 1 remove 9", "err.no_item"},
		{"action: remove by the mentor", inActive, mentor, "行动 1 删除 1", "action 1 remove 1", "err.forbidden_op"},
		{"action: past date", inActive, mgr, "行动 1 添加 培训 | 2020-01-01", "action 1 add training | 2020-01-01", "err.date_past"},
		{"action: unknown owner", inActive, mgr, "行动 1 添加 陪访 | 每周一 | <@u_ghost>", "action 1 add ride-along | every Monday | <@u_ghost>", "err.unknown_person"},
		{"done: not the owner", withMgrAction, emp, "完成 1 2", "done 1 2", "err.forbidden_op"},
		{"track: the employee", inActive, emp, "跟踪 1 我很努力", "track 1 I worked hard", "err.forbidden_op"},
		{"track: HR", inActive, hr, "跟踪 1 看起来不错", "track 1 looks fine", "err.forbidden_op"},
		{"track: a draft", inDraft, mgr, "跟踪 1 还没开始", "track 1 not started", "err.not_running"},
		{"all: not HR", inActive, mgr, "全部计划", "all", "err.forbidden_op"},
		{"team: no reports", inActive, emp, "团队", "team", "err.no_team"},
		{"lang: unknown", inActive, mgr, "语言 火星文", "lang klingon", "err.lang_format"},
		{"reports: malformed", inActive, hr, "汇报 <@u_emp>", "reports <@u_emp>", "err.reports_format"},
		{"reports: not a mention", inActive, hr, "汇报 <@u_emp> 王经理", "reports <@u_emp> wang", "err.reports_format"},
		{"hr: malformed", inActive, hr, "HR 添加 某人", "hr add someone", "err.hr_format"},
		{"hr: unknown verb", inActive, hr, "HR 提拔 <@u_other>", "hr promote <@u_other>", "err.hr_format"},
		{"summary: bad switch", inActive, mgr, "汇总 1 也许", "summary 1 maybe", "err.summary_format"},
		{"delete: no plan", inDraft, emp, "删除", "delete", "err.plan_missing"},
		{"resume: not a draft", inActive, emp, "继续 1", "resume 1", "err.not_draft"},
		{"close: confirm nothing", inActive, hr, "结案 1 确认", "close 1 confirm", "err.no_outcome"},
		{"close: reject without reason", withOutcome, hr, "结案 1 驳回", "close 1 reject", "err.reason_required"},
		{"ack: disagree without reason", inApproved, emp, "确认 1 有异议", "ack 1 disagree", "err.disagree_reason"},
		{"interview: short notice", inActive, mgr, "面谈 1 预约 明天 15:00", "interview 1 book tomorrow 15:00", "err.short_notice"},
		{"interview: rate format", withNotes, emp, "面谈 1 评价", "interview 1 rate", "err.rate_format"},
		{"interview: rate score", withNotes, emp, "面谈 1 评价 9", "interview 1 rate 9", "err.rate_score"},
		{"interview: empty self-analysis", withNotes, emp, "面谈 1 自评", "interview 1 self", "err.prep_empty"},
		{"goal: edit missing", inDraft, emp, "目标 1 修改 x 销售额 1 2 30天", "goal 1 edit x sales 1 2 30days", "err.no_item"},
		{"goal: after the end", inDraft, emp, "目标 1 销售额 1 2 2027-12-31", "goal 1 sales 1 2 2027-12-31", "err.goal_after_end"},
		{"goal: percent out of range", inDraft, emp, "目标 1 投诉率 8% 120% 30天", "goal 1 complaints 8% 120% 30days", "err.out_of_range"},
		{"review: text for a number", inActive, mgr, "评估 1 销售额 很多 不错", "review 1 #1 lots good", "err.value_expected"},
		{"adjust: past the band", inActive, emp, "调整 1 1 30万 市场萎缩", "adjust 1 1 300000 market shrank", "err.adjust_band"},
		{"adjust: second pending", withProposal, emp, "调整 1 1 47万 再调", "adjust 1 1 470000 again", "err.adjust_pending"},
		{"invisible characters", inActive, mgr, "\u200b批准 1", "\u200bapprove 1", "err.invisible"},
		{"too long", inActive, emp, "更新 " + strings.Repeat("很", 2100), "update " + strings.Repeat("x", 2100), "err.too_long"},
	}
	for _, c := range cases {
		for _, l := range []bot.Locale{bot.LocaleZH, bot.LocaleEN} {
			t.Run(c.name+"/"+string(l), func(t *testing.T) {
				w := newWorld(t)
				c.setup(w)
				input := c.zh
				if l == bot.LocaleEN {
					input = c.en
					w.say(c.as, "lang en")
				} else {
					w.say(c.as, "语言 中文")
				}
				before := w.snap()
				replies := w.say(c.as, input)
				got := text(replies)
				if !strings.HasPrefix(got, "⚠️") {
					t.Fatalf("%q was accepted:\n%s", input, got)
				}
				if want := literal(l, c.key); !strings.Contains(got, want) {
					t.Errorf("%q: reply lacks %q (%s); got:\n%s", input, want, c.key, got)
				}
				if !reflect.DeepEqual(before, w.snap()) {
					t.Errorf("%q changed state", input)
				}
			})
		}
	}
}

// TestAdjustmentBeyondQuarterLimit: past the seed's band (15% a quarter)
// an adjustment is refused, unless the tenant's rules allow an HR override;
// then HR must give a written reason, and it is audited.
func TestAdjustmentBeyondQuarterLimit(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	before := w.snap()
	r := w.say(emp, "调整 1 1 30万 市场萎缩")
	mustContain(t, r, literal(bot.LocaleZH, "err.adjust_band"))
	if !reflect.DeepEqual(before, w.snap()) {
		t.Fatal("a refused adjustment changed state")
	}
	w.policy.AdjustOverride = true
	w.say(emp, "调整 1 1 30万 市场萎缩")
	w.say(mgr, "调整 1 确认 1")
	before = w.snap()
	r = w.say(hr, "adjust 1 confirm 1")
	mustContain(t, r, literal(bot.LocaleEN, "err.adjust_over"))
	if !reflect.DeepEqual(before, w.snap()) {
		t.Fatal("refused override changed state")
	}
	w.say(hr, "adjust 1 confirm 1 override approved by the HR director after the reorg")
	p := w.plan(1)
	if p.Goals[0].Target != 300000 || p.Status != bot.StatusApproved {
		t.Fatalf("target %v status %s, want 300000 and awaiting acknowledgment", p.Goals[0].Target, p.Status)
	}
	if a := w.store.adjs[0]; a.Override == "" || a.Status != bot.AdjustApplied {
		t.Fatalf("adjustment = %+v", a)
	}
	if !hasAudit(w, "adjust.override", "approved by the HR director") {
		t.Error("the override is not in the audit log with its reason")
	}
}

// hasAudit reports whether the log holds action with detail containing s.
func hasAudit(w *world, action, s string) bool {
	for _, a := range w.store.audit {
		if a.Action == action && strings.Contains(a.Detail, s) {
			return true
		}
	}
	return false
}

// TestAdjustmentNeedsTwoPeople: one person holding both roles cannot confirm twice.
func TestAdjustmentNeedsTwoPeople(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.say(emp, "调整 1 1 48万 市场萎缩")
	w.say(mgr, "调整 1 确认 1")
	r := w.say(mgr, "调整 1 确认 1")
	mustContain(t, r, literal(bot.LocaleZH, "err.already_confirmed"))
	if w.plan(1).Goals[0].Target != 500000 {
		t.Fatal("applied with one confirmation")
	}
}
