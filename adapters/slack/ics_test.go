package slack

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// inviteReply is the notice of interview 7 to user at version seq, as the
// engine addresses it: its own key per change, the meeting in the reader's
// zone.
func inviteReply(t *testing.T, user string, seq int, at time.Time, cancelled bool) bot.Reply {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip(err)
	}
	r := outNote("王经理 booked an interview")
	r.To, r.Private, r.Key = user, true, "slack:T1:plan:1:interview:1:v"+string(rune('0'+seq))+":"+user
	r.Invite = &bot.Meeting{Tenant: "slack:" + slacktest.TeamID, InterviewID: 7, UID: "pipbot-slack-T1-interview-7@pipbot",
		Sequence: seq, Cancelled: cancelled, Start: at, End: at.Add(50 * time.Minute), Stamp: at.Add(-240 * time.Hour), TZ: sh,
		Summary: "面谈 · 计划 #1 · 第 1 次 / Interview · plan #1 · #1", Description: "议程：开场 5′\nAgenda: Opening 5′",
		Organizer: bot.MeetingPerson{ID: "UMGR", Name: "王经理"},
		Attendees: []bot.MeetingPerson{{ID: "UEMP", Name: "张三"}, {ID: "UMGR", Name: "王经理"}}}
	return r
}

// shared lists the files shared somewhere, oldest first.
func shared(o *outbound) []slacktest.File {
	var out []slacktest.File
	for _, f := range o.fake.Files() {
		if f.Channel != "" {
			out = append(out, f)
		}
	}
	return out
}

// icsLine is the unfolded content line of name in the VEVENT of an .ics.
func icsLine(data []byte, name string) string {
	s := strings.ReplaceAll(string(data), "\r\n ", "")
	in := false
	for _, l := range strings.Split(s, "\r\n") {
		in = in || l == "BEGIN:VEVENT"
		if in && (strings.HasPrefix(l, name+":") || strings.HasPrefix(l, name+";")) {
			return l
		}
	}
	for _, l := range strings.Split(s, "\r\n") {
		if strings.HasPrefix(l, name+":") {
			return l
		}
	}
	return ""
}

// TestInviteFollowsTheInterview: the booking notice is posted in the DM
// with an .ics shared there (once, however often it is delivered); the
// move shares a new version, same UID and a higher SEQUENCE; the cancel a
// METHOD:CANCEL of the same UID.
func TestInviteFollowsTheInterview(t *testing.T) {
	o := newOutbound(t, nil, nil)
	origin := Origin{TeamID: slacktest.TeamID, UserID: "UMGR", EventID: "Ev1"}
	at := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	for range 2 {
		if err := o.snd.Deliver(outCtx, origin, []bot.Reply{inviteReply(t, "UEMP", 0, at, false)}); err != nil {
			t.Fatal(err)
		}
	}
	dm := outDM(t, o, "UEMP")
	files := shared(o)
	if len(files) != 1 || files[0].Channel != dm || files[0].Name != "interview.ics" || !strings.Contains(files[0].Comment, "calendar") {
		t.Fatalf("files %+v, want one interview.ics shared in %s", files, dm)
	}
	msgs := o.fake.Messages()
	if len(msgs) != 1 || msgs[0].Channel != dm {
		t.Fatalf("messages %+v, want the notice once in the DM", msgs)
	}
	booked := files[0].Data
	for name, want := range map[string]string{
		"METHOD": "METHOD:REQUEST", "SEQUENCE": "SEQUENCE:0", "UID": "UID:pipbot-slack-T1-interview-7@pipbot",
		"DTSTART": "DTSTART;TZID=Asia/Shanghai:20261203T150000", "STATUS": "STATUS:CONFIRMED",
	} {
		if got := icsLine(booked, name); got != want {
			t.Errorf("booked %s = %q, want %q", name, got, want)
		}
	}
	if got := icsLine(booked, "ATTENDEE;CN=张三"); !strings.HasSuffix(got, ":urn:x-slack:"+slacktest.TeamID+":UEMP") {
		t.Errorf("attendee line %q", got)
	}

	if err := o.snd.Deliver(outCtx, origin, []bot.Reply{inviteReply(t, "UEMP", 1, at.Add(19*time.Hour), false)}); err != nil {
		t.Fatal(err)
	}
	if err := o.snd.Deliver(outCtx, origin, []bot.Reply{inviteReply(t, "UEMP", 2, at.Add(19*time.Hour), true)}); err != nil {
		t.Fatal(err)
	}
	files = shared(o)
	if len(files) != 3 {
		t.Fatalf("%d files shared after book, move, cancel; want 3", len(files))
	}
	moved, cancelled := files[1].Data, files[2].Data
	if icsLine(moved, "UID") != icsLine(booked, "UID") || icsLine(moved, "SEQUENCE") != "SEQUENCE:1" ||
		icsLine(moved, "DTSTART") != "DTSTART;TZID=Asia/Shanghai:20261204T100000" || icsLine(moved, "METHOD") != "METHOD:REQUEST" {
		t.Errorf("moved invitation:\n%s", moved)
	}
	if icsLine(cancelled, "UID") != icsLine(booked, "UID") || icsLine(cancelled, "SEQUENCE") != "SEQUENCE:2" ||
		icsLine(cancelled, "METHOD") != "METHOD:CANCEL" || icsLine(cancelled, "STATUS") != "STATUS:CANCELLED" ||
		files[2].Name != "interview-cancelled.ics" {
		t.Errorf("cancel invitation %s:\n%s", files[2].Name, cancelled)
	}
	for _, f := range files {
		if f.Channel != dm {
			t.Errorf("%s shared in %s, not the DM %s", f.Name, f.Channel, dm)
		}
	}
}

// TestInviteOnlyInTheDM: the booker's own answer to a command typed in a
// channel stays out of the channel's files; the invitation goes to their
// DM. An invitation aimed at a channel is refused and nothing is shared.
func TestInviteOnlyInTheDM(t *testing.T) {
	o := newOutbound(t, nil, nil)
	at := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	origin := Origin{TeamID: slacktest.TeamID, ChannelID: "C1", ChannelType: "channel", UserID: "UMGR", EventID: "Ev2"}
	r := inviteReply(t, "", 0, at, false)
	if err := o.snd.Deliver(outCtx, origin, []bot.Reply{r}); err != nil {
		t.Fatal(err)
	}
	files := shared(o)
	if len(files) != 1 || files[0].Channel != outDM(t, o, "UMGR") {
		t.Fatalf("files %+v, want the invitation in the booker's DM", files)
	}
	for _, m := range o.fake.Messages() {
		if m.Channel == "C1" {
			t.Errorf("private content posted in the channel: %+v", m)
		}
	}

	toChannel := inviteReply(t, "", 0, at, false)
	toChannel.Chat, toChannel.Private = "C1", false
	err := o.snd.Deliver(outCtx, origin, []bot.Reply{toChannel})
	if !errors.Is(err, ErrFileToChannel) || len(shared(o)) != 1 {
		t.Fatalf("an invitation to a channel: %v, %d files shared", err, len(shared(o)))
	}
}
