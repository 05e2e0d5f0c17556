package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// phrase is something the adapter itself says; Slack shows both languages
// when the reader's is unknown.
type phrase struct{ zh, en string }

var (
	msgWorking    = phrase{"处理中…", "Working on it…"}
	msgBusy       = phrase{"系统繁忙，请稍后再试", "Busy, please try again shortly"}
	msgNotAllowed = phrase{"只有安装 pipbot 的工作区的成员可以这样做，未执行", "Only members of the workspace that runs pipbot can do this; nothing was done"}
)

func (p phrase) in(l bot.Locale) string {
	switch l {
	case bot.LocaleZH:
		return p.zh
	case bot.LocaleEN:
		return p.en
	}
	return p.zh + " / " + p.en
}

// deliverResult answers a handled inline request (see prepare), delivers
// the rest through the Deliverer and finishes the delivery, then refreshes
// the App Home after a click made there.
func (a *Adapter) deliverResult(ctx context.Context, r result, until time.Time, inAck bool) {
	rest := a.prepare(ctx, r.Work.Origin, r.Work.Cmd.Actor, r.Replies, until, inAck)
	a.pipe.Complete(ctx, r.Result, rest)
}

// prepare answers what only an inline request can: its form as a modal
// while the trigger lives (until, on the real clock), the conversation's
// plain text ephemerally in a channel (via response_url, unless inAck: the
// caller put ackText in the acknowledgment). It returns the replies left
// for the Deliverer.
func (a *Adapter) prepare(ctx context.Context, o Origin, actor bot.Person, replies []bot.Reply, until time.Time, inAck bool) []bot.Reply {
	f, i, others := takeForm(replies, actor.ID)
	ephemeral, rest := route(others, o)
	if i >= 0 && !a.openModal(ctx, f, actor, o, time.Until(until)) {
		_, asMsg := route(replies[i:i+1], o)
		rest = append(asMsg, rest...)
	}
	if len(ephemeral) > 0 && !inAck && !a.ephemeral(ctx, o, ephemeralText(ephemeral)) {
		for _, e := range ephemeral {
			e.Private = true
			rest = append(rest, e)
		}
	}
	return rest
}

// ackText is what deliverResult leaves to the acknowledgment when inAck:
// the conversation's plain text, for the asker only.
func ackText(r result) string {
	_, _, others := takeForm(r.Replies, r.Work.Cmd.Actor.ID)
	ephemeral, _ := route(others, r.Work.Origin)
	return ephemeralText(ephemeral)
}

// ephemeralText is replies as one mrkdwn text.
func ephemeralText(replies []bot.Reply) string {
	parts := make([]string, len(replies))
	for i, r := range replies {
		parts[i] = mrkdwnText(r.Message)
	}
	return strings.Join(parts, "\n\n")
}

// takeForm separates the form the actor is asked to fill (i is its reply,
// -1 for none) from the other replies.
func takeForm(replies []bot.Reply, actorID string) (f bot.Form, i int, others []bot.Reply) {
	f, i = formFor(replies, actorID)
	if i < 0 {
		return f, i, replies
	}
	return f, i, slices.Delete(slices.Clone(replies), i, i+1)
}

// route decides where each reply to a slash command, click or submission
// goes. Replies for someone (To), a team chat (Chat) and replacements of a
// clicked message stay as the engine made them; in a DM, the conversation's
// replies stay too. In a channel nobody else saw the request, so nobody
// else sees the answer: plain text becomes ephemeral (returned, for the
// acknowledgment or the response_url), and anything richer is marked
// private, which the Sender shows to the asker only (chat.postEphemeral,
// or a DM). An answer to a request with no conversation (a modal, the App
// Home) goes to the asker one-to-one.
func route(replies []bot.Reply, o Origin) (ephemeral, rest []bot.Reply) {
	for _, r := range replies {
		switch {
		case r.To != "" || r.Chat != "" || (r.Replace && o.MessageTS != "" && o.ChannelID != ""):
		case o.ChannelID == "":
			r.To, r.Replace = o.UserID, false
		case o.DM():
		case o.ResponseURL != "" && plain(r.Message):
			ephemeral = append(ephemeral, r)
			continue
		default:
			r.Private, r.Replace = true, false
		}
		rest = append(rest, r)
	}
	return ephemeral, rest
}

// plain reports whether m is only text, which an ephemeral text can show.
func plain(m bot.Message) bool {
	for _, b := range m.Blocks {
		switch b.(type) {
		case bot.Text, bot.Context, bot.Divider:
		default:
			return false
		}
	}
	return true
}

// mrkdwnText is m as one Slack mrkdwn text: bold as *bold*, and & < >
// escaped, so user text can neither mention anyone nor smuggle a link.
func mrkdwnText(m bot.Message) string {
	s := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(m.Text())
	if m.Title != "" {
		s = "*" + strings.Replace(s, "\n", "*\n", 1)
		if !strings.Contains(s, "\n") {
			s += "*"
		}
	}
	return strings.ReplaceAll(s, "**", "*")
}

// ephemeral shows text to o's user only, through the request's
// response_url (no scope, no rate limit of chat.postEphemeral); false when
// there is none or Slack refused.
func (a *Adapter) ephemeral(ctx context.Context, o Origin, text string) bool {
	if o.ResponseURL == "" {
		return false
	}
	if err := a.postResponse(ctx, o.ResponseURL, ephemeralBody(text)); err != nil {
		a.log.WarnContext(ctx, "ephemeral answer", "tenant", tenantOf(o.TeamID), "user_id", o.UserID,
			"event_id", o.EventID, "err", err)
		return false
	}
	return true
}

// ephemeralBody is an answer only its asker sees.
func ephemeralBody(text string) map[string]any {
	return map[string]any{"response_type": "ephemeral", "text": text}
}

// postResponse posts body to a response_url. The URL is never logged: it
// lets anyone post into the conversation for 30 minutes.
func (a *Adapter) postResponse(ctx context.Context, url string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("response_url request: invalid url")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("post to response_url: transport failed")
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post to response_url: status %d", resp.StatusCode)
	}
	return nil
}
