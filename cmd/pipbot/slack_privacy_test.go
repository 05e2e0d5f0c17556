package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// privacyOrg is the organisation of the group privacy test: 张三 reports
// to 王经理, who also manages the mentor; Eve is outside the team; 林HR is
// HR (and on the break-glass list).
const privacyOrg = "employee,manager,department,hr\n" +
	"slack:UMGR,,Sales,no\n" +
	"slack:UEMP,slack:UMGR,Sales,no\n" +
	"slack:UMEN,slack:UMGR,Sales,no\n" +
	"slack:UEVE,,Marketing,no\n" +
	"slack:UHR,,People,yes\n"

// privacyRoles are the users behind groupCase.who.
var privacyRoles = map[string]string{"employee": "UEMP", "manager": "UMGR", "hr": "UHR", "mentor": "UMEN", "outsider": "UEVE"}

// privacyShards split groupCases into runs that each start from a fresh
// running plan, on a pipbot of their own, all at the same time: every
// answer in a channel is an ephemeral message, which the adapter paces at
// 1.5 a second per workspace (Slack's Tier 4), so a hundred of them in one
// workspace would take a minute. A shard starts at each index; related
// cases (a proposal and its confirmation) stay in one shard.
var privacyShards = []int{0, 7, 15, 21, 27, 32, 41}

// TestSlackGroupPrivacy types every command of groupCases into a channel,
// as the role it names, both as "@pipbot …" (an app_mention event) and as
// "/pip …" in that channel, against a running plan with a mentor, through
// signed requests and the real adapter. Whatever the command and whoever
// types it, nothing everyone in the channel can read (messages posted or
// updated there, response_url answers "in_channel") holds the employee's,
// manager's or mentor's name or id, the plan's number in any form, a goal
// figure, a progress bar or any of groupLeaks; the channel only ever gets
// the help card and the "answered you privately" notice. Each command gets
// a private answer (ephemeral, or a DM), so the test cannot pass by
// everything being dropped.
func TestSlackGroupPrivacy(t *testing.T) {
	if len(groupCases) <= privacyShards[len(privacyShards)-1] {
		t.Fatalf("privacyShards start past the %d group cases", len(groupCases))
	}
	var (
		mu    sync.Mutex
		shown []privacyCheck // every private answer to the manager's "show"
	)
	var wg sync.WaitGroup
	for i, from := range privacyShards {
		to := len(groupCases)
		if i+1 < len(privacyShards) {
			to = privacyShards[i+1]
		}
		wg.Go(func() {
			g := &goT{TB: t, name: fmt.Sprintf("cases %d–%d", from, to-1)}
			got := runPrivacyShard(g, storagetest.SQLite(t), from, to)
			mu.Lock()
			shown = append(shown, got...)
			mu.Unlock()
		})
	}
	wg.Wait()

	// The manager asked to see the plan, in a channel, both ways: the plan
	// reached him, privately.
	for _, how := range []string{"mention", "slash"} {
		if !slices.ContainsFunc(shown, func(c privacyCheck) bool {
			return c.how == how && strings.Contains(c.text, "季度销售额") && strings.Contains(c.text, "张三")
		}) {
			t.Errorf("the manager's \"show\" by %s got no private answer with the plan; private answers: %q", how, shown)
		}
	}
}

// privacyCheck is one private answer, and how the command was typed.
type privacyCheck struct{ how, text string }

// runPrivacyShard runs groupCases[from:to] on a pipbot of its own with a
// fresh running plan, each case in a channel of its own, checks what the
// channels show, and returns the private answers to the manager's "show".
func runPrivacyShard(t testing.TB, dsn string, from, to int) []privacyCheck {
	org := writeFile(t, "org.csv", privacyOrg)
	s := startSlack(t, dsn, slackSetup{env: map[string]string{"PIPBOT_ORG": org, "PIPBOT_HR": "slack:UHR"}})
	p := seedRunningPlan(t, s, "UEMP", "UMEN")
	if p.ManagerID != "UMGR" {
		t.Fatalf("the plan's manager is %q, want UMGR from the org file", p.ManagerID)
	}
	num := strconv.Itoa(p.Number)

	var shown []privacyCheck
	sent := s.handled()
	for i := from; i < to; i++ {
		c := groupCases[i]
		user := privacyRoles[c.who]
		if user == "" {
			t.Fatalf("group case %d: unknown role %q", i, c.who)
		}
		for _, how := range []string{"mention", "slash"} {
			channel := caseChannel(i, how)
			typed := fillCase(c.text, num, how)
			mark, markCh := s.privateTo(user, channel), s.answersIn(channel)
			handled := s.handled()
			if how == "mention" {
				s.mention(user, channel, typed)
			} else {
				s.slashIn(user, channel, "case-"+strconv.Itoa(i), typed)
			}
			sent++
			eventually(t, fmt.Sprintf("the engine to handle %q", typed), func() bool { return s.handled() > handled })
			// Every command gets an answer its author can read: in the
			// channel only help, which holds nothing private.
			deadline := time.Now().Add(10 * time.Second)
			for len(s.privateTo(user, channel)) == len(mark) && s.answersIn(channel) == markCh && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if len(s.privateTo(user, channel)) == len(mark) && s.answersIn(channel) == markCh {
				t.Errorf("%s typed %q in a channel (%s): no answer at all", c.who, typed, how)
			}
		}
	}
	// Let the deliveries of the last commands land: the engine has handled
	// them all; nothing new for a while.
	eventually(t, "every command handled", func() bool { return s.handled() >= sent })
	s.quiet(300 * time.Millisecond)

	for i := from; i < to; i++ {
		if c := groupCases[i]; c.who == "manager" && strings.HasPrefix(c.text, "show ") {
			for _, how := range []string{"mention", "slash"} {
				for _, a := range s.privateIn("UMGR", caseChannel(i, how)) {
					shown = append(shown, privacyCheck{how: how, text: a})
				}
			}
		}
	}

	// What is shown to one person in a case's channel is shown to the one
	// who typed the case.
	for _, e := range s.fake.Ephemerals() {
		if i, ok := caseOf(e.Channel); ok && e.User != privacyRoles[groupCases[i].who] {
			t.Errorf("case %s %q: %s was shown an ephemeral message in the channel:\n%s",
				groupCases[i].who, groupCases[i].text, e.User, shownText(e.Text, e.Blocks))
		}
	}
	for _, r := range slices.Concat(s.resp.posts(), s.acknowledgments()) {
		if i, ok := caseOf(r.Channel); ok && r.User != privacyRoles[groupCases[i].who] {
			t.Errorf("case %q: an answer for %s in the channel", groupCases[i].text, r.User)
		}
	}

	leaks := []string{"张三", "王经理", "赵导师", "UEMP", "UMGR", "UMEN", "▓", "░"}
	leaks = append(leaks, groupLeaks...)
	for i := from; i < to; i++ {
		for _, msg := range slices.Concat(s.inChannel(caseChannel(i, "mention")), s.inChannel(caseChannel(i, "slash"))) {
			help := strings.Contains(msg, "pipbot 绩效改进助手") || strings.Contains(msg, "pipbot, the improvement-plan assistant")
			if !help && !strings.Contains(msg, "🔒") {
				t.Errorf("case %q: the channel shows more than help and the privacy notice:\n%s", groupCases[i].text, msg)
			}
			var bad []string
			for _, w := range leaks {
				if strings.Contains(msg, w) {
					bad = append(bad, w)
				}
			}
			if ref := planRef(p.Number).FindString(msg); ref != "" {
				bad = append(bad, "plan number "+strconv.Quote(ref))
			}
			for _, f := range planFigures {
				if strings.Contains(msg, f) && !(help && slices.Contains(helpFigures, f)) {
					bad = append(bad, "figure "+f)
				}
			}
			if len(bad) > 0 {
				t.Errorf("case %s %q: the channel shows %q:\n%s", groupCases[i].who, groupCases[i].text, bad, msg)
			}
		}
	}
	return shown
}

// planFigures are the figures of the test plan (its gap and goal: 39万
// against 48万, so that the cases' 46万 is an adjustment within the
// quarter's 15%) and the figures the cases type, as the engine may write
// them.
var planFigures = []string{
	"48万", "480000", "480,000", "39万", "390000", "390,000", "9万", "90000", "90,000",
	"42万", "420000", "420,000", "46万", "460000", "460,000", "45万", "450000", "450,000",
	"35万", "350000", "350,000", "60万", "600000", "600,000",
}

// helpFigures are the figures the help card's examples show, which mean
// nothing about the plan.
var helpFigures = []string{"35万", "42万", "45万", "350000", "420000", "450000"}

// planRef matches plan number n written in any way the engine or a person
// writes one: "#7", "# 7", "计划 7", "plan 7", "PIP 7", "P7", "7号".
func planRef(n int) *regexp.Regexp {
	d := strconv.Itoa(n)
	return regexp.MustCompile(`(?i)(#\s*0*` + d + `\b|(plan|pip|计划|编号)\s*#?\s*0*` + d + `\b|\bP0*` + d + `\b|(^|[^0-9])` + d + `\s*号)`)
}

// fillCase writes a group case's placeholders: the plan's number, and the
// mentions as Slack writes them in an event's text (<@U…>) or, for a
// slash command with escaping on, with the user's name (<@U…|name>).
func fillCase(text, num, how string) string {
	who := func(id, name string) string {
		if how == "slash" {
			return "<@" + id + "|" + name + ">"
		}
		return "<@" + id + ">"
	}
	return strings.NewReplacer("%d", num, "%e", who("UEMP", "zhangsan"), "%m", who("UMGR", "wang"),
		"%o", who("UEVE", "eve")).Replace(text)
}

// seedRunningPlan creates emp's own plan, straight through the engine as
// the Slack adapter would hand it the commands: with a gap, a cause, a goal
// (39万 against 48万) and an action, submitted, approved by their manager,
// acknowledged, and with mentor when not "".
func seedRunningPlan(t testing.TB, s *slackRig, emp, mentor string) *bot.Plan {
	t.Helper()
	ctx := context.Background()
	run := func(user string, cmd bot.Command) {
		t.Helper()
		cmd.Platform, cmd.Tenant = bot.PlatformSlack, e2eTenant
		// The actor as the adapter hands it over: looked up in the
		// workspace's directory first.
		actor, err := s.a.profiles.Profile(ctx, e2eTenant, user)
		if err != nil {
			t.Fatalf("directory: %s: %v", user, err)
		}
		actor.Tenant, actor.ID = e2eTenant, user
		cmd.Actor = actor
		cmd.Chat = bot.Chat{ID: s.fake.OpenDM(user)}
		if _, err := s.a.engine.Handle(ctx, cmd); err != nil {
			t.Fatalf("%s: %q: %v", user, cmd.Text, err)
		}
	}
	run(emp, bot.Command{Action: &bot.ActionInput{ID: "plan.create", Values: map[string]string{
		"employee": "", "type": "under_performer", "gap_metric": "季度销售额", "gap_target": "48万", "gap_actual": "39万",
		"gap_unit": "元", "cause_dim": "person", "cause_text": "客户跟进不及时", "goal_metric": "季度销售额",
		"goal_baseline": "39万", "goal_target": "48万", "goal_unit": "元", "goal_deadline": "2027-01-31",
		"action_what": "每周复盘客户拜访", "action_when": "每周五", "action_resources": "", "end": ""}}})
	plans, err := s.a.db.ListPlans(ctx, e2eTenant, bot.PlanQuery{EmployeeID: emp})
	if err != nil || len(plans) != 1 {
		t.Fatalf("%s's seeded plan: %d plans (%v)", emp, len(plans), err)
	}
	p := plans[0]
	n := strconv.Itoa(p.Number)
	run(emp, bot.Command{Text: "submit " + n})
	run(p.ManagerID, bot.Command{Text: "approve " + n})
	run(emp, bot.Command{Text: "ack " + n})
	if mentor != "" {
		run(p.ManagerID, bot.Command{Text: "mentor " + n + " <@" + mentor + ">"})
	}
	p = s.plan(p.Number)
	if p.Status != bot.StatusActive || p.ManagerID == "" || p.MentorID != mentor {
		t.Fatalf("%s's seeded plan: status %s manager %q mentor %q", emp, p.Status, p.ManagerID, p.MentorID)
	}
	return p
}

// handled is how many commands and clicks the engine has handled.
func (s *slackRig) handled() int {
	s.t.Helper()
	mfs, err := s.a.metrics.reg.Gather()
	if err != nil {
		s.t.Fatal(err)
	}
	n := 0.0
	for _, mf := range mfs {
		if mf.GetName() == "pipbot_commands_total" {
			for _, m := range mf.GetMetric() {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return int(n)
}

// caseChannel is the channel group case i is typed in, one for each way
// of typing it.
func caseChannel(i int, how string) string {
	return fmt.Sprintf("C0%s%03d", strings.ToUpper(how[:1]), i)
}

// caseOf is the group case whose channel channel is.
func caseOf(channel string) (int, bool) {
	if len(channel) != 6 || !strings.HasPrefix(channel, "C0") {
		return 0, false
	}
	i, err := strconv.Atoi(channel[3:])
	return i, err == nil && i < len(groupCases)
}

// privateTo lists the answers user alone was shown for a request in
// channel (privateIn) and every message in their DM with the bot, but for
// the bare "answered you privately" notice.
func (s *slackRig) privateTo(user, channel string) []string {
	out := s.privateIn(user, channel)
	if dm, ok := s.fake.DM(user); ok {
		for _, m := range s.fake.Messages() {
			if m.Channel == dm {
				out = append(out, shownText(m.Text, m.Blocks))
			}
		}
	}
	return slices.DeleteFunc(out, noticeOnly)
}

// noticeOnly reports whether an answer is only the "answered you
// privately" notice (and the notification text).
func noticeOnly(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.Contains(line, "🔒") && line != "你有一条来自 pipbot 的新消息" && line != "You have a new message from pipbot" {
			return false
		}
	}
	return true
}

// privateIn lists what user alone was shown in channel: ephemeral
// messages, and answers to response_urls and acknowledgments that are not
// "in_channel".
func (s *slackRig) privateIn(user, channel string) []string {
	var out []string
	for _, e := range s.fake.Ephemerals() {
		if e.User == user && e.Channel == channel {
			out = append(out, shownText(e.Text, e.Blocks))
		}
	}
	for _, r := range slices.Concat(s.resp.posts(), s.acknowledgments()) {
		if r.User == user && r.Channel == channel && !r.InChannel() {
			out = append(out, shownText(r.Text, r.Blocks))
		}
	}
	return out
}

// inChannel lists what everyone in channel can read: each message posted
// there as posted and as it shows now, each update of one, and answers
// posted "in_channel".
func (s *slackRig) inChannel(channel string) []string {
	var out []string
	for _, m := range s.fake.Messages() {
		if m.Channel == channel {
			out = append(out, shownText(m.Text, m.Blocks))
			if cur, ok := s.fake.Current(channel, m.TS); ok {
				out = append(out, shownText(cur.Text, cur.Blocks))
			}
		}
	}
	for _, u := range s.fake.Updates() {
		if u.Channel == channel {
			out = append(out, shownText(u.Text, u.Blocks))
		}
	}
	for _, r := range slices.Concat(s.resp.posts(), s.acknowledgments()) {
		if r.Channel == channel && r.InChannel() {
			out = append(out, shownText(r.Text, r.Blocks))
		}
	}
	return out
}

// answersIn counts what channel shows besides the privacy notice.
func (s *slackRig) answersIn(channel string) int {
	n := 0
	for _, m := range s.inChannel(channel) {
		if !strings.Contains(m, "🔒") {
			n++
		}
	}
	return n
}

// quiet waits until nothing new has reached the fake Web API or the
// response_urls for d.
func (s *slackRig) quiet(d time.Duration) {
	count := func() int {
		return len(s.fake.Messages()) + len(s.fake.Ephemerals()) + len(s.fake.Updates()) + len(s.fake.Views()) +
			len(s.resp.posts())
	}
	last, since := count(), time.Now()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		if n := count(); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) >= d {
			return
		}
	}
	s.t.Errorf("the bot kept sending for 30 s")
}

// TestPlanRefPattern: the privacy test's plan-number detector finds plan 1
// however it is written, and not in other numbers or the help card's
// examples.
func TestPlanRefPattern(t *testing.T) {
	re := planRef(1)
	for _, s := range []string{"#1", "计划 #1 已提交", "# 1", "plan 1.", "Plan #1's", "PIP #1 · x", "P1", "1号", "see #01", "计划1"} {
		if !re.MatchString(s) {
			t.Errorf("%q: plan 1 not found", s)
		}
	}
	for _, s := range []string{"#12", "计划编号写作 #12。", "调整 12 确认 1", "goal 12 edit 1", "12号", "2027-01-31", "P12", "P21", "本周 1 人"} {
		if re.MatchString(s) {
			t.Errorf("%q: taken for plan 1", s)
		}
	}
}
