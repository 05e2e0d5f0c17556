package main

import (
	"strings"
	"testing"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestSlackExport runs "export" through Slack on each database: the
// manager's workbook is shared in the manager's DM through the external
// upload, with the tracking note; the employee, asking in a channel, gets
// the workbook in their DM without the tracking log and nothing is
// shared in the channel; Eve, who has no part in the plan, is refused and
// gets no file.
func TestSlackExport(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		people := slackPeople()
		people[0].Fields = map[string]string{e2eManagerField: "UMGR"}
		s := startSlack(t, dsn, slackSetup{users: people, env: map[string]string{
			"SLACK_MANAGER_FIELD": e2eManagerField, "PIPBOT_HR": "slack:UHR"}})
		p := s.createFromModal("UEMP")
		for _, step := range []struct {
			who, cmd string
			status   bot.Status
		}{{"UEMP", "submit 1", bot.StatusSubmitted}, {"UMGR", "approve 1", bot.StatusApproved}, {"UEMP", "ack 1", bot.StatusActive}} {
			s.slash(step.who, step.cmd)
			eventually(t, string(step.status), func() bool { return s.plan(1).Status == step.status })
		}
		const note = "three client role-plays this week"
		mgrDM, empDM := s.fake.OpenDM("UMGR"), s.fake.OpenDM("UEMP")
		sent := len(s.fake.Messages())
		s.slash("UMGR", "track 1 "+note)
		s.awaitMessage(mgrDM, sent, "员工不可见")

		s.slash("UMGR", "export 1")
		f := awaitSlackFile(t, s, mgrDM, 0)
		checkWorkbook(t, f.Data, s.plan(p.Number), true, note)

		s.slashIn("UEMP", "C0TEAM", "team", "导出 1")
		f = awaitSlackFile(t, s, empDM, 0)
		if text := checkWorkbook(t, f.Data, s.plan(p.Number), false, ""); strings.Contains(text, note) {
			t.Error("the employee's export holds the tracking note")
		}

		s.slash("UEVE", "export 1")
		eventually(t, "Eve's refusal", func() bool {
			for _, m := range s.fake.Messages() {
				if m.Channel == s.fake.OpenDM("UEVE") && strings.Contains(m.Text+string(m.Blocks), "⚠️") {
					return true
				}
			}
			for _, a := range s.acknowledgments() {
				if a.User == "UEVE" && strings.Contains(a.Text+string(a.Blocks), "⚠️") {
					return true
				}
			}
			return false
		})
		for _, f := range s.fake.Files() {
			if f.Channel != mgrDM && f.Channel != empDM {
				t.Errorf("a file was shared in %s", f.Channel)
			}
		}
		if n := len(s.fake.Files()); n != 2 {
			t.Errorf("%d files shared, want 2", n)
		}
		if steps := strings.Join(s.auditSteps(p.ID), " "); strings.Count(steps, "plan.export") != 2 {
			t.Errorf("audit = %s, want two exports", steps)
		}
	})
}

// awaitSlackFile waits for the n-th file shared in channel.
func awaitSlackFile(t *testing.T, s *slackRig, channel string, n int) slacktest.File {
	t.Helper()
	var got []slacktest.File
	eventually(t, "a file in "+channel, func() bool {
		got = got[:0]
		for _, f := range s.fake.Files() {
			if f.Channel == channel {
				got = append(got, f)
			}
		}
		return len(got) > n
	})
	if !strings.HasSuffix(got[n].Name, ".xlsx") {
		t.Fatalf("file %+v", got[n])
	}
	return got[n]
}
