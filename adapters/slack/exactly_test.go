package slack

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// outReminder is the scheduler's reminder to U1 under key.
func outReminder(key string) bot.Reply {
	r := outNote("Please post this week's update.")
	r.To, r.Private, r.Key = "U1", true, key
	return r
}

// TestSenderCheckBeforeResend loses the answer to a post that took effect:
// the Sender times out, looks for the message in the DM's history, finds
// it by its key, and does not post again.
func TestSenderCheckBeforeResend(t *testing.T) {
	o := newOutbound(t, nil, func(opts *SenderOptions) { opts.Timeout = 300 * time.Millisecond })
	o.fake.LoseNextResponses("chat.postMessage", 1)
	ts, err := o.snd.Send(outCtx, slacktest.TeamID, outReminder("remind:plan12:w3"))
	if err != nil {
		t.Fatal(err)
	}
	msgs := o.fake.Messages()
	if len(msgs) != 1 || msgs[0].TS != ts {
		t.Fatalf("%d messages (ts %s, returned %s), want exactly the one that was posted", len(msgs), msgs[0].TS, ts)
	}
	if o.fake.Calls("conversations.history") == 0 || o.fake.Calls("chat.postMessage") != 1 {
		t.Errorf("history read %d times, %d posts; want a read and no second post",
			o.fake.Calls("conversations.history"), o.fake.Calls("chat.postMessage"))
	}
	meta := msgs[0].Metadata
	key, _ := meta.EventPayload["key"].(string)
	if meta.EventType != metadataType || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(key) || strings.Contains(key, "plan12") {
		t.Errorf("metadata %+v, want pipbot_message with the key's hash only", meta)
	}
}

// TestSenderResendAfterCrash: a process gives up after a lost answer (its
// deadline ends); another process sends the same reminder, finds it in
// the channel, and posts nothing. A reminder marked but never posted (a
// crash before the call) is posted once.
func TestSenderResendAfterCrash(t *testing.T) {
	o := newOutbound(t, nil, func(opts *SenderOptions) { opts.Timeout = 200 * time.Millisecond })
	o.fake.LoseNextResponses("chat.postMessage", 1)
	ctx, cancel := context.WithTimeout(outCtx, 300*time.Millisecond)
	_, err := o.snd.Send(ctx, slacktest.TeamID, outReminder("remind:1"))
	cancel()
	if err == nil || !outTemporary(err) {
		t.Fatalf("first process: %v, want a temporary error", err)
	}
	restarted := NewSender(SenderOptions{Client: NewClient(slacktest.BotToken, o.fake.APIURL(), time.Second),
		Limiter: o.lim, Sent: o.sent, People: o.people})
	ts, err := restarted.Send(outCtx, slacktest.TeamID, outReminder("remind:1"))
	if err != nil {
		t.Fatal(err)
	}
	if msgs := o.fake.Messages(); len(msgs) != 1 || msgs[0].TS != ts {
		t.Fatalf("%d messages after the restart, want the first one only", len(msgs))
	}

	if _, err := o.sent.SeenOnce(outCtx, "slack:sent:"+slacktest.TeamID+":remind:2", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := restarted.Send(outCtx, slacktest.TeamID, outReminder("remind:2")); err != nil {
		t.Fatal(err)
	}
	if got := len(o.fake.Messages()); got != 2 {
		t.Errorf("%d messages, want 2: a marked reminder that never reached Slack is posted", got)
	}
}

// TestSenderRedelivery delivers an event's replies twice, as the worker
// does after a lost lease: each message is posted once.
func TestSenderRedelivery(t *testing.T) {
	o := newOutbound(t, []slacktest.Option{slacktest.WithUsers(slacktest.User{ID: "U1"}, slacktest.User{ID: "U2"})}, nil)
	dm, _, _, err := o.snd.api.OpenConversationContext(outCtx, outOpen("U1"))
	if err != nil {
		t.Fatal(err)
	}
	origin := Origin{TeamID: slacktest.TeamID, ChannelID: dm.ID, ChannelType: "im", UserID: "U1", EventID: "Ev42"}
	answer := outNote("Plan 12 created.")
	toManager := outNote("Plan 12 waits for your approval.")
	toManager.To, toManager.Key = "U2", "approve:12"
	for range 2 {
		if err := o.snd.Deliver(outCtx, origin, []bot.Reply{answer, toManager}); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(o.fake.Messages()); got != 2 {
		t.Errorf("%d messages after a redelivery, want 2", got)
	}
	if _, err := o.snd.Send(outCtx, slacktest.TeamID, toManager); err != nil {
		t.Fatal(err)
	}
	if got := len(o.fake.Messages()); got != 2 {
		t.Errorf("%d messages after sending a keyed reply again, want 2", got)
	}
}

// TestSenderSentDown: with the marker store down, every keyed post looks
// first, so a repeat still posts nothing.
func TestSenderSentDown(t *testing.T) {
	o := newOutbound(t, nil, nil)
	o.sent.Fail(errors.New("redis: connection refused"))
	for range 2 {
		if _, err := o.snd.Send(outCtx, slacktest.TeamID, outReminder("remind:down")); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(o.fake.Messages()); got != 1 {
		t.Errorf("%d messages, want 1", got)
	}
}

// TestSenderTerminal: a refusal from Slack is not retried, and says so.
func TestSenderTerminal(t *testing.T) {
	o := newOutbound(t, []slacktest.Option{slacktest.WithChannels("C1")}, nil)
	r := outNote("news")
	r.Chat = "C9"
	_, err := o.snd.Send(outCtx, slacktest.TeamID, r)
	if slackCode(err) != "not_in_channel" || outTemporary(err) {
		t.Errorf("post to a channel the bot is not in: %v (temporary %v), want not_in_channel, not temporary", err, outTemporary(err))
	}
	if n := o.fake.Calls("chat.postMessage"); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}
