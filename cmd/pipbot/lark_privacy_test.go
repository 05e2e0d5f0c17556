package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestFeishuGroupPrivacy types every command of groupCases into a Feishu
// group, mentioning the bot, as the role each case names, while 张三's plan
// runs with a mentor. Whatever the command and whatever goes wrong, the
// group (every message the bot sends with receive_id_type chat_id to it)
// reads no one's name or open_id, not the plan's number in any form, none
// of groupLeaks and none of the plan's figures; the answers go to the typer
// one-to-one instead, and every case gets one (help, which is meant for the
// group, excepted). Every card sent one-to-one that shows the plan cannot
// be forwarded.
//
// It runs on SQLite alone: what it checks is decided by the engine and the
// adapter, and TestEndToEndFeishu covers the three databases.
func TestFeishuGroupPrivacy(t *testing.T) {
	t.Parallel()
	f := startFeishu(t, storagetest.SQLite(t))
	const group = "oc_team_group"
	f.fake.SetChat(group, "group")

	// The plan under test is #37: a number no help example or count shows.
	f.skipPlanNumbers(36)
	helpCard := content(f.ask(ouEmp, "帮助", "pipbot 绩效改进助手"))
	p := f.runningPlan(ouEmp, planForm{metric: "季度销售额", baseline: "61万", target: "73万", unit: "元",
		cause: "客户跟进不及时", action: "更新客户拜访记录"})
	if p.Number != 37 {
		t.Fatalf("the plan under test is #%d, want #37", p.Number)
	}
	num := strconv.Itoa(p.Number)
	f.ask(ouMgr, "导师 "+num+" <@"+ouMentor+">", "已指派 周导师 为计划 #"+num+" 的导师")
	f.waitPlan(p.Number, "mentored", func(p *bot.Plan) bool { return p.MentorID == ouMentor })

	who := map[string]string{"employee": ouEmp, "manager": ouMgr, "hr": ouHR, "mentor": ouMentor, "outsider": ouOut}
	fill := strings.NewReplacer("%d", num, "%e", "<@"+ouEmp+">", "%m", "<@"+ouMgr+">", "%o", "<@"+ouOut+">")
	inGroup := func(m larktest.Message) bool { return m.ReceiveIDType == "chat_id" && m.ReceiveID == group }
	notice := func(m larktest.Message) bool { return inGroup(m) && strings.Contains(content(m), "已私信回复你") }
	for i, c := range groupCases {
		typer, ok := who[c.who]
		if !ok {
			t.Fatalf("case %q: unknown role %q", c.text, c.who)
		}
		text := fill.Replace(c.text)
		sent := len(f.fake.Messages())
		f.sayInGroup(group, typer, text)
		// The answer: the group is told it went privately, and then it
		// reaches the typer one-to-one (an event's replies go out in
		// order); or, for help alone, the help card in the group.
		told, private, help := false, false, false
		for deadline := time.Now().Add(10 * time.Second); !help && !private && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
			told, private, help = false, false, false
			for _, m := range f.fake.Messages()[sent:] {
				help = help || inGroup(m) && content(m) == helpCard
				private = private || told && oneToOne(m, typer)
				told = told || notice(m)
			}
		}
		switch {
		case c.text == "帮助" || c.text == "help":
			if !help {
				t.Errorf("%s typed %q in the group: no help card there", c.who, text)
			}
		case help:
			t.Errorf("%s typed %q in the group: answered with the help card", c.who, text)
		case !told:
			t.Errorf("%s typed %q in the group: the group was not told the answer went privately", c.who, text)
		case !private:
			t.Errorf("%s typed %q in the group: no answer reached them one-to-one", c.who, text)
		}
		if !help && !private {
			// The cases build on each other; once one is lost the rest
			// says little. What the group got so far is checked below.
			t.Errorf("stopped after case %d of %d", i+1, len(groupCases))
			break
		}
	}
	f.quiet()

	// What the group must never read.
	var leaks []string
	for _, u := range feishuPeople {
		leaks = append(leaks, u.Name, u.OpenID)
	}
	leaks = append(leaks, groupLeaks...)
	var figures []string
	for _, v := range []int{730000, 610000, 660000, 420000, 460000, 350000, 600000, 450000} { // the plan's and the cases'
		figures = append(figures, strconv.Itoa(v), fmt.Sprintf("%d,%03d", v/1000, v%1000), strconv.Itoa(v/10000)+"万")
	}
	number := regexp.MustCompile(`(^|[^0-9])` + num + `([^0-9]|$)`)
	groupMsgs := 0
	for _, m := range f.fake.Messages() {
		if m.ReceiveIDType == "chat_id" && m.ReceiveID != group && !strings.HasPrefix(m.ReceiveID, "oc_p2p_") {
			t.Errorf("a message went to chat %s: %s", m.ReceiveID, content(m))
		}
		if !inGroup(m) {
			continue
		}
		groupMsgs++
		s := content(m)
		for _, l := range leaks {
			if strings.Contains(s, l) {
				t.Errorf("the group read %q: …%s…", l, around(s, l))
			}
		}
		if number.MatchString(s) {
			t.Errorf("the group read the plan's number %s: …%s…", num, around(s, number.FindString(s)))
		}
		if s == helpCard {
			continue // the help card's examples are figures too (42万, 35万…), the same for everyone
		}
		for _, fig := range figures {
			if strings.Contains(s, fig) {
				t.Errorf("the group read the figure %s: …%s…", fig, around(s, fig))
			}
		}
	}
	if groupMsgs == 0 {
		t.Error("the group got no message at all")
	}

	// Whatever shows the plan went one-to-one, unforwardable.
	shown := 0
	for _, m := range f.fake.Messages() {
		s := content(m)
		if m.Card == nil || inGroup(m) || !containsAny(s, "#"+num, `"plan":"`+num+`"`, "季度销售额", "张三") {
			continue
		}
		shown++
		if forwardable(m.Card) {
			t.Errorf("a card with plan #%s to %s can be forwarded: %.200s", num, m.ReceiveID, s)
		}
	}
	if shown < len(groupCases)/2 {
		t.Errorf("only %d one-to-one cards showed the plan", shown)
	}
}

func containsAny(s string, parts ...string) bool {
	for _, p := range parts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// around is the text near the first part in s, to show where a leak is.
func around(s, part string) string {
	i := strings.Index(s, part)
	if i < 0 {
		return ""
	}
	from, to := max(0, i-60), min(len(s), i+len(part)+60)
	return strings.ToValidUTF8(s[from:to], "")
}
