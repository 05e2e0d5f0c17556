package bot_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// refusedAt sends text as p and checks it was refused with key's message
// in p's language, changing nothing.
func refusedAt(t *testing.T, w *world, p bot.Person, text, key string) string {
	t.Helper()
	before := w.snap()
	got := textOf(w.say(p, text))
	if !strings.HasPrefix(got, "⚠️") {
		t.Fatalf("%q was accepted:\n%s", text, got)
	}
	if want := literal(p.Locale, key); !strings.Contains(got, want) {
		t.Errorf("%q: reply lacks %q (%s):\n%s", text, want, key, got)
	}
	if !reflect.DeepEqual(before, w.snap()) {
		t.Errorf("%q was refused but changed state", text)
	}
	return got
}

func textOf(r []bot.Reply) string { return text(r) }

// TestCountLimits: a plan takes at most 10 goals, 20 actions and 5 root
// causes a problem, from typed commands in both languages; the one past
// the limit is refused with a message naming it, and nothing changes.
func TestCountLimits(t *testing.T) {
	for _, l := range []bot.Locale{bot.LocaleZH, bot.LocaleEN} {
		t.Run(string(l), func(t *testing.T) {
			w := newWorld(t)
			n := itoa(inDraft(w))
			as := mgr
			as.Locale = l
			w.say(mgr, map[bot.Locale]string{bot.LocaleZH: "语言 中文", bot.LocaleEN: "lang en"}[l])
			for len(w.plan(1).Goals) < 10 {
				r := text(w.say(mgr, "目标 "+n+" 指标"+string(rune('a'+len(w.plan(1).Goals)))+" 1 2 30天"))
				if strings.HasPrefix(r, "⚠️") {
					t.Fatalf("goal %d refused: %s", len(w.plan(1).Goals)+1, r)
				}
			}
			refusedAt(t, w, as, "目标 "+n+" 再一个 1 2 30天", "err.too_many_goals")
			for len(w.plan(1).Actions) < 20 {
				r := text(w.say(mgr, "行动 "+n+" 添加 复盘"+strconv.Itoa(len(w.plan(1).Actions))+" | 每周五 17:00"))
				if strings.HasPrefix(r, "⚠️") {
					t.Fatalf("action %d refused: %s", len(w.plan(1).Actions)+1, r)
				}
			}
			refusedAt(t, w, as, "行动 "+n+" 添加 再复盘 | 每周五 17:00", "err.too_many_actions")
			for len(w.plan(1).Problems[0].Causes) < 5 {
				r := text(w.say(mgr, "原因 "+n+" 个人 原因"+strconv.Itoa(len(w.plan(1).Problems[0].Causes))))
				if strings.HasPrefix(r, "⚠️") {
					t.Fatalf("cause refused: %s", r)
				}
			}
			refusedAt(t, w, as, "原因 "+n+" 个人 还有一个", "err.too_many_causes")
		})
	}
}

// TestGuideCountLimits: the guided draft stops at the same counts, and the
// step stays where it was.
func TestGuideCountLimits(t *testing.T) {
	w := newWorld(t)
	w.say(emp, "新建")
	for _, line := range []string{"1", "季度销售额 50万 35万 元", "个人 客户跟进不及时", "工作 流程不清", "环境 市场下滑", "个人 技能", "工作 资源"} {
		if r := text(w.say(emp, line)); strings.HasPrefix(r, "⚠️") {
			t.Fatalf("%q refused: %s", line, r)
		}
	}
	refusedAt(t, w, emp, "个人 第六条", "err.too_many_causes")
	w.say(emp, "完成")
	for i := range 10 {
		if r := text(w.say(emp, "指标"+string(rune('a'+i))+" 35 50 2个月")); strings.HasPrefix(r, "⚠️") {
			t.Fatalf("goal %d refused: %s", i+1, r)
		}
	}
	refusedAt(t, w, emp, "再一个 35 50 2个月", "err.too_many_goals")
	w.say(emp, "完成")
	w.say(emp, "完成")
	for i := range 20 {
		if r := text(w.say(emp, "行动"+strconv.Itoa(i)+" | 每周五 17:00")); strings.HasPrefix(r, "⚠️") {
			t.Fatalf("action %d refused: %s", i+1, r)
		}
	}
	refusedAt(t, w, emp, "再一个行动 | 每周五 17:00", "err.too_many_actions")
}

// TestTooLongNamesTheField: a text over its limit is refused with the
// field's name in the reader's language, from a command and from a form.
func TestTooLongNamesTheField(t *testing.T) {
	w := newWorld(t)
	n := itoa(inDraft(w))
	got := refusedAt(t, w, mgr, "目标 "+n+" "+strings.Repeat("长", 61)+" 1 2 30天", "err.too_long")
	if !strings.Contains(got, "指标名称") || !strings.Contains(got, "61") {
		t.Errorf("no field name or count in %q", got)
	}
	w.say(mgr, "lang en")
	en := mgr
	en.Locale = bot.LocaleEN
	got = refusedAt(t, w, en, "action "+n+" add "+strings.Repeat("x", 501)+" | every Friday 17:00", "err.too_long")
	if !strings.Contains(got, "The action is too long (501 characters)") {
		t.Errorf("no field name in %q", got)
	}
}

// TestCreateFormLimits: the one-form draft holds each name and cause to
// its limit, under the input it came from, and stores nothing.
func TestCreateFormLimits(t *testing.T) {
	w := newWorld(t)
	long := strings.Repeat("长", 61)
	values := map[string]string{"employee": emp.ID, "type": "under_performer", "gap_metric": long, "gap_target": "50万",
		"gap_actual": "35万", "cause_dim": "person", "cause_text": strings.Repeat("因", 501), "goal_metric": long, "goal_baseline": "35万",
		"goal_target": "50万", "goal_unit": long, "goal_deadline": "2027-01-31", "action_what": strings.Repeat("做", 501)}
	before := w.snap()
	r := w.act(mgr, "plan.create", nil, values)
	for _, f := range []string{"gap_metric", "cause_text", "goal_metric", "goal_unit", "action_what"} {
		if !strings.Contains(r[0].Errors[f], "太长") {
			t.Errorf("%s: error %q, want too long", f, r[0].Errors[f])
		}
	}
	if !strings.Contains(r[0].Errors["goal_metric"], "目标指标名称") {
		t.Errorf("goal_metric error %q does not name the field", r[0].Errors["goal_metric"])
	}
	if !reflect.DeepEqual(before, w.snap()) {
		t.Fatal("a refused form stored something")
	}
}
