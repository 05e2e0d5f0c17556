package slack

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/export"
	"github.com/pipbot/pipbot/adapters/ics"
	"github.com/pipbot/pipbot/bot"
)

// Slack has no calendar: a reply carrying an interview's invitation
// (bot.Reply.Invite) is its message as usual, then the invitation as an
// .ics file shared in the reader's DM only, through the same external
// upload as exports. Every version of an interview's invitation has the
// interview's UID and a higher SEQUENCE, so a calendar that imported the
// booking moves the event on the next file and removes it on the cancel
// (METHOD:CANCEL). Times are in the reader's zone.

// deliverInvite sends r's message, then its invitation to the reader's DM;
// the share is marked under key+":ics" first, so a Deliver run again
// shares each version at most once.
func (s *Sender) deliverInvite(ctx context.Context, o Origin, r bot.Reply, key string) (string, error) {
	inv := r.Invite
	r.Invite = nil
	user := r.To
	if user == "" {
		user = o.UserID
	}
	if r.Chat != "" || user == "" {
		return "", ErrFileToChannel
	}
	ts, err := s.deliver(ctx, o, r, key)
	if err != nil {
		return ts, err
	}
	api, supported := s.api.(fileAPI)
	if !supported {
		return ts, &sendError{op: "upload invitation", err: errors.New("the client cannot upload files")}
	}
	f, err := inviteFile(o.TeamID, inv)
	if err != nil {
		return ts, &sendError{op: "upload invitation", err: err}
	}
	channel, _, err := s.dmChannel(ctx, o.TeamID, user)
	if err != nil {
		return ts, err
	}
	id, err := s.uploadFile(ctx, api, o.TeamID, f, "")
	if err != nil {
		return ts, err
	}
	if key != "" && s.begun(ctx, o.TeamID, key+":ics") {
		s.log.Info("invitation already shared, not sharing it again", "tenant", tenantOf(o.TeamID), "user_id", user, "event_id", o.EventID)
		return ts, nil
	}
	comment := inviteComment(s.localeOf(ctx, o.TeamID, user), inv.Cancelled)
	err = s.repeat(ctx, "complete upload", s.methodBucket(o.TeamID, "files.completeUploadExternal", s.pace.Ephemeral),
		func(ctx context.Context) error {
			_, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
				Files: []slack.FileSummary{{ID: id, Title: f.Name}}, Channel: channel, InitialComment: comment})
			return err
		})
	return ts, err
}

// inviteFile is the .ics of m for a reader in workspace team. Slack shares
// no e-mail addresses without a further scope, so people are addressed by
// a URN of their Slack ids; calendars show the names (CN).
func inviteFile(team string, m *bot.Meeting) (export.File, error) {
	addr := func(id string) string { return fmt.Sprintf("urn:x-slack:%s:%s", team, id) }
	ev := ics.Event{UID: m.UID, Sequence: m.Sequence, Method: ics.MethodRequest, Stamp: m.Stamp,
		Start: m.Start, End: m.End, TZ: m.TZ, Summary: m.Summary, Description: m.Description,
		Organizer: ics.Person{Name: m.Organizer.Name, Address: addr(m.Organizer.ID)}}
	if m.Cancelled {
		ev.Method = ics.MethodCancel
	}
	for _, a := range m.Attendees {
		ev.Attendees = append(ev.Attendees, ics.Person{Name: a.Name, Address: addr(a.ID)})
	}
	data, err := ics.Encode(ev)
	if err != nil {
		return export.File{}, err
	}
	name := "interview.ics"
	if m.Cancelled {
		name = "interview-cancelled.ics"
	}
	return export.File{Name: name, MIME: ics.MIME, Data: data}, nil
}

// inviteComment is the line shared with the file, in the reader's language.
func inviteComment(l bot.Locale, cancelled bool) string {
	switch {
	case cancelled && l == bot.LocaleEN:
		return "📅 Open this file to remove the cancelled interview from your calendar."
	case cancelled:
		return "📅 打开此文件，从日历中删除已取消的面谈。"
	case l == bot.LocaleEN:
		return "📅 Open this file to add the interview to your calendar (or move it there)."
	}
	return "📅 打开此文件，将面谈加入（或更新到）你的日历。"
}
