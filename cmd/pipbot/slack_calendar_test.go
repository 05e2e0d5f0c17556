package main

import (
	"strings"
	"testing"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestSlackInterviewInvites books, moves and cancels an interview through
// Slack on each database: every attendee (employee, manager, HR) gets each
// version as an .ics in their own DM, with one UID and a growing
// SEQUENCE, the last a METHOD:CANCEL; no file reaches a channel, and
// nobody else gets one.
func TestSlackInterviewInvites(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		people := slackPeople()
		people[0].Fields = map[string]string{e2eManagerField: "UMGR"}
		s := startSlack(t, dsn, slackSetup{users: people, env: map[string]string{
			"SLACK_MANAGER_FIELD": e2eManagerField, "PIPBOT_HR": "slack:UHR"}})
		s.createFromModal("UEMP")
		for _, step := range []struct {
			who, cmd string
			status   bot.Status
		}{{"UEMP", "submit 1", bot.StatusSubmitted}, {"UMGR", "approve 1", bot.StatusApproved}, {"UEMP", "ack 1", bot.StatusActive}} {
			s.slash(step.who, step.cmd)
			eventually(t, string(step.status), func() bool { return s.plan(1).Status == step.status })
		}
		dms := map[string]string{}
		for _, u := range []string{"UEMP", "UMGR", "UHR"} {
			dms[u] = s.fake.OpenDM(u)
		}
		versions := func(n int) map[string]slacktest.File {
			t.Helper()
			out := map[string]slacktest.File{}
			eventually(t, "an invitation for every attendee", func() bool {
				for u, dm := range dms {
					var got []slacktest.File
					for _, f := range s.fake.Files() {
						if f.Channel == dm && strings.HasSuffix(f.Name, ".ics") {
							got = append(got, f)
						}
					}
					if len(got) < n {
						return false
					}
					out[u] = got[n-1]
				}
				return true
			})
			return out
		}

		s.slash("UMGR", "interview 1 book +14d 15:00 hr")
		booked := versions(1)
		uid := icsProp(booked["UEMP"].Data, "UID")
		for u, f := range booked {
			if icsProp(f.Data, "UID") != uid || icsProp(f.Data, "SEQUENCE") != "SEQUENCE:0" || icsProp(f.Data, "METHOD") != "METHOD:REQUEST" ||
				!strings.HasPrefix(icsProp(f.Data, "DTSTART"), "DTSTART;TZID=Asia/Shanghai:") || !strings.HasSuffix(icsProp(f.Data, "DTSTART"), "T150000") {
				t.Errorf("%s's booking invitation:\n%s", u, f.Data)
			}
		}
		s.slash("UMGR", "interview 1 move +15d 10:00")
		moved := versions(2)
		s.slash("UMGR", "interview 1 cancel")
		cancelled := versions(3)
		for u := range dms {
			m, c := moved[u].Data, cancelled[u].Data
			if icsProp(m, "UID") != uid || icsProp(m, "SEQUENCE") != "SEQUENCE:1" || !strings.HasSuffix(icsProp(m, "DTSTART"), "T100000") {
				t.Errorf("%s's move invitation:\n%s", u, m)
			}
			if icsProp(c, "UID") != uid || icsProp(c, "SEQUENCE") != "SEQUENCE:2" || icsProp(c, "METHOD") != "METHOD:CANCEL" || icsProp(c, "STATUS") != "STATUS:CANCELLED" {
				t.Errorf("%s's cancel invitation:\n%s", u, c)
			}
		}
		for _, f := range s.fake.Files() {
			if f.Channel != "" && f.Channel != dms["UEMP"] && f.Channel != dms["UMGR"] && f.Channel != dms["UHR"] {
				t.Errorf("%s shared in %s", f.Name, f.Channel)
			}
		}
	})
}

// icsProp is the unfolded content line of name in an .ics's VEVENT.
func icsProp(data []byte, name string) string {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n ", ""), "\r\n")
	for i, l := range lines {
		if l != "BEGIN:VEVENT" && name != "METHOD" {
			continue
		}
		for _, p := range lines[i:] {
			if strings.HasPrefix(p, name+":") || strings.HasPrefix(p, name+";") {
				return p
			}
		}
	}
	return ""
}
