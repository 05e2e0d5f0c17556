package bot_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// groupCommands is every command, well-formed and broken, as someone types
// it into a group chat, with who types it.
var groupCommands = []struct {
	who  bot.Person
	text string
}{
	{emp, "帮助"}, {emp, "help"}, {mgr, "show 1"}, {mgr, "查看 1"}, {mgr, "plans"}, {mgr, "team"},
	{emp, "update #1 #1 420000 visited 8 clients"}, {emp, "更新 销售额 -5"}, {emp, "汇报 本周拜访8家"},
	{mgr, "audit 1"}, {mgr, "审计 1"}, {hr, "audit org"}, {hr, "all"}, {hr, "promotions"}, {hr, "hr"},
	{mgr, "调整 1 1 46万 市场变化"}, {mgr, "adjust 1 1 10 too much"}, {hr, "adjust 1 confirm 1"}, {mgr, "adjust 1 reject 1 no"},
	{mgr, "mentor 1 <@u_other>"}, {mentor, "note 1 pitch drill"}, {mgr, "辅导 1 拜访演练"},
	{mgr, "面谈 1 预约 14天后 15:00"}, {mgr, "面谈 1 预约 明天 15:00"}, {emp, "面谈 1 自评 有进步"},
	{mgr, "面谈 1 记录 总结: 一致"}, {emp, "面谈 1 确认"}, {emp, "面谈 1 评价 5 好"}, {mgr, "interview 1 cancel"},
	{mgr, "review 1 sales 450000 good"}, {mgr, "评估 1 销售额 abc"}, {mgr, "goal 1 edit 1 sales 350000 600000 30days"},
	{mgr, "action 1 add call | every Monday"}, {emp, "done 1 1"}, {mgr, "summary 1 on"},
	{mgr, "close 1 achieved good"}, {hr, "close 1 confirm good enough"}, {mgr, "extend 1 2027-06-30 more time"},
	{mgr, "cancel 1 reorg"}, {emp, "ack 1 disagree too high"}, {emp, "submit 1"}, {mgr, "approve 1"},
	{other, "show 1"}, {other, "approve 1"}, {emp, "新建 <@u_emp_en>"}, {mgr, "新建 <@u_emp_en>"},
	{emp, "delete 1"}, {hr, "reports <@u_emp> <@u_other>"}, {hr, "hr add <@u_other>"}, {other, "hr add <@u_other>"},
	{emp, "跳舞"}, {emp, "\u200b批准 1"}, {emp, "lang en"}, {mgr, "resume 1"},
}

// planWords is what a group must never read: the plan's people, figures,
// goals and words from its content.
var planWords = []string{"张三", "Sam", "季度销售额", "500,000", "客户跟进", "李导师", "王经理", "市场变化", "拜访演练", "pitch drill"}

// planNumber finds plan #1 (not #12) in a text.
var planNumber = regexp.MustCompile(`#1(\D|$)|计划 ?1(\D|$)|plan 1(\D|$)`)

// TestGroupGetsNoPrivateContent drives every command and every error in a
// group chat: every reply is private (one to one) except the few that are
// group-safe, which say nothing about any plan or person's plan; no reply
// is aimed at a chat and none replaces the group's card.
func TestGroupGetsNoPrivateContent(t *testing.T) {
	for _, c := range groupCommands {
		t.Run(c.text, func(t *testing.T) {
			w := newWorld(t)
			inActive(w)
			w.say(mgr, "导师 1 <@u_mentor>")
			r := w.cmd(bot.Command{Actor: bot.Person{ID: c.who.ID}, Chat: bot.Chat{ID: "oc_group", Group: true}, Text: c.text})
			private := 0
			for _, rep := range r {
				if rep.Chat != "" {
					t.Errorf("reply posted to chat %s: %q", rep.Chat, rep.Message.Text())
				}
				if rep.Private {
					private++
					if rep.Replace {
						t.Errorf("a private reply replaces the group's card")
					}
					continue
				}
				if !rep.GroupSafe {
					t.Errorf("a reply is neither private nor group-safe: %q", rep.Message.Text())
				}
				for _, word := range planWords {
					if strings.Contains(rep.Message.Text(), word) {
						t.Errorf("group-safe reply shows %q: %q", word, rep.Message.Text())
					}
				}
				if planNumber.MatchString(rep.Message.Text()) {
					t.Errorf("group-safe reply names plan 1: %q", rep.Message.Text())
				}
			}
			if private > 0 && !strings.Contains(text(r), "🔒") {
				t.Errorf("the group is not told the answer went privately:\n%s", text(r))
			}
		})
	}
}

// TestGroupSafeOnlyHelpNoticeBinding: of all replies to commands in a
// group, only help, the private-answer notice and team-group confirmations
// are group-safe.
func TestGroupSafeOnlyHelpNoticeBinding(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	for _, c := range []string{"help", "bind", "show 1", "team", "audit 1", "unbind"} {
		r := w.cmd(bot.Command{Actor: bot.Person{ID: mgr.ID}, Chat: bot.Chat{ID: "oc_team", Group: true}, Text: c})
		for _, rep := range r {
			if !rep.GroupSafe {
				continue
			}
			body := rep.Message.Text()
			ok := strings.Contains(body, "🔒") || c == "help" || c == "bind" || c == "unbind"
			if !ok {
				t.Errorf("%q: unexpected group-safe reply %q", c, body)
			}
		}
	}
}
