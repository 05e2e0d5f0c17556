package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/scheduler/calendar"
)

// summaryOrg: 张三 and 李四 both report to 王经理.
const summaryOrg = "employee,manager,department,hr\n" +
	"slack:UMGR,,Sales,no\n" +
	"slack:UEMP,slack:UMGR,Sales,no\n" +
	"slack:UEMP2,slack:UMGR,Sales,no\n" +
	"slack:UHR,,People,yes\n"

// TestSlackTeamSummary: 王经理 binds a channel as his team's group with
// "@pipbot bind", and opts 张三's plan into the team summary with
// "/pip summary 1 on"; 李四's running plan stays out. `pipbot jobs run
// weekly_update --at` the week's summary time, against the same database
// and workspace, sends the bound channel exactly one summary: counts only
// (one plan, no update yet), no names, plan numbers, goal text or figures;
// 李四's plan is not counted. Before its time the job sends the channel
// nothing, and running it again sends nothing twice.
func TestSlackTeamSummary(t *testing.T) {
	eachSQLAtOnce(t, func(t testing.TB, dsn string) {
		ctx := context.Background()
		people := append(slackPeople(), slacktest.User{ID: "UEMP2", Name: "lisi", RealName: "李四", TZ: "Asia/Shanghai", Locale: "zh-CN"})
		org := writeFile(t, "org.csv", summaryOrg)
		s := startSlack(t, dsn, slackSetup{users: people, env: map[string]string{"PIPBOT_ORG": org, "PIPBOT_HR": "slack:UHR"}})
		mine := seedRunningPlan(t, s, "UEMP", "")
		other := seedRunningPlan(t, s, "UEMP2", "")
		if mine.Number != 1 || other.Number != 2 || mine.ManagerID != "UMGR" || other.ManagerID != "UMGR" {
			t.Fatalf("plans: #%d of %s, #%d of %s", mine.Number, mine.ManagerID, other.Number, other.ManagerID)
		}

		// The manager binds the channel, in the channel.
		const team = "C0TEAM001"
		s.mention("UMGR", team, "bind")
		eventually(t, "the binding confirmed in the channel", func() bool {
			return strings.Contains(strings.Join(s.inChannel(team), "\n"), "团队群")
		})
		chats, err := s.a.db.TeamChats(ctx, e2eTenant, "UMGR")
		if err != nil || len(chats) != 1 || chats[0].ChatID != team {
			t.Fatalf("team chats of UMGR: %+v (%v)", chats, err)
		}
		// He opts 张三's plan into the summary, privately.
		s.slash("UMGR", "summary 1 on")
		eventually(t, "plan 1 counted in the team summary", func() bool { return s.plan(1).TeamVisible })
		if s.plan(2).TeamVisible {
			t.Fatal("plan 2 counts in the team summary without being opted in")
		}

		// The summary goes out with the weekly reminders, at 17:00 on
		// Friday, or the week's last working day before it, in the
		// manager's zone: the first such time from now.
		at := weeklyTime(t, s.a.calendar, time.Now())
		jobs := func(at time.Time) string {
			t.Helper()
			var out, errOut bytes.Buffer
			args := []string{"jobs", "run", "weekly_update", "--at", at.Format("2006-01-02 15:04")}
			if err := run(ctx, args, mapEnv(s.env), strings.NewReader(""), &out, &errOut); err != nil {
				t.Fatalf("pipbot %s: %v\n%s%s", strings.Join(args, " "), err, &out, &errOut)
			}
			return out.String()
		}
		summaries := func() []string {
			var out []string
			for _, m := range s.fake.Messages() {
				if m.Channel == team && strings.Contains(shownText(m.Text, m.Blocks), "团队周进展") {
					out = append(out, shownText(m.Text, m.Blocks))
				}
			}
			return out
		}
		if out := jobs(at.Add(-time.Hour)); len(summaries()) != 0 {
			t.Fatalf("the summary went out an hour early:\n%s", out)
		}
		out := jobs(at)
		got := summaries()
		if len(got) != 1 {
			t.Fatalf("the bound channel got %d summaries, want 1:\n%s\n%q", len(got), out, got)
		}
		summary := got[0]
		if !strings.Contains(summary, "本周已有 0 人提交进展，1 人尚未提交。") {
			t.Errorf("the summary does not count the one opted-in plan, without an update yet:\n%s", summary)
		}
		for _, leak := range append([]string{"张三", "李四", "王经理", "UEMP", "UMGR", "季度销售额", "客户跟进", "拜访", "▓", "░"}, planFigures...) {
			if strings.Contains(summary, leak) {
				t.Errorf("the team summary shows %q:\n%s", leak, summary)
			}
		}
		for _, n := range []int{1, 2} {
			if ref := planRef(n).FindString(summary); ref != "" {
				t.Errorf("the team summary shows plan %d as %q:\n%s", n, ref, summary)
			}
		}
		if out := jobs(at); len(summaries()) != 1 {
			t.Errorf("running the job again sent the summary again:\n%s", out)
		}
	})
}

// weeklyTime is the first weekly reminder time after now: 17:00 in
// Asia/Shanghai on the week's Friday, or its last working day before
// Friday (the official calendar, with its make-up days).
func weeklyTime(t testing.TB, cal *calendar.Calendar, now time.Time) time.Time {
	t.Helper()
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	local := now.In(sh)
	for week := 0; week < 4; week++ {
		d := local.AddDate(0, 0, 7*week)
		day, ok := cal.WeekdayOrEarlier(e2eTenant, "CN", calendar.NewDate(d.Year(), d.Month(), d.Day()), time.Friday)
		if !ok {
			continue
		}
		at := time.Date(day.Year, day.Month, day.Day, 17, 0, 0, 0, sh)
		if at.After(now) {
			return at
		}
	}
	t.Fatalf("no working day for the weekly reminders in four weeks from %s", now)
	return time.Time{}
}
