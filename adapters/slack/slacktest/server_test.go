package slacktest_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
)

// clock is a settable clock for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// client is slack-go pointed at s with token.
func client(s *slacktest.Server, token string, opts ...slack.Option) *slack.Client {
	opts = append([]slack.Option{slack.OptionAPIURL(s.APIURL()),
		slack.OptionHTTPClient(&http.Client{Timeout: 2 * time.Second})}, opts...)
	return slack.New(token, opts...)
}

// slackErr is the Slack error code of err, or "" when it is not one.
func slackErr(err error) string {
	var e slack.SlackErrorResponse
	if errors.As(err, &e) {
		return e.Err
	}
	return ""
}

var ctx = context.Background()

func TestAuth(t *testing.T) {
	s := slacktest.NewServer(t)
	got, err := client(s, slacktest.BotToken).AuthTestContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.TeamID != slacktest.TeamID || got.UserID != slacktest.BotUserID || got.BotID != slacktest.BotID {
		t.Errorf("auth.test = %+v", got)
	}
	if _, err := client(s, "xoxb-wrong").AuthTestContext(ctx); slackErr(err) != "invalid_auth" {
		t.Errorf("wrong token: err = %v, want invalid_auth", err)
	}
	if _, err := client(s, slacktest.AppToken).AuthTestContext(ctx); slackErr(err) != "invalid_auth" {
		t.Errorf("app token on a bot method: err = %v, want invalid_auth", err)
	}
}

func TestPostOpenHistory(t *testing.T) {
	s := slacktest.NewServer(t, slacktest.WithUsers(slacktest.User{ID: "U1", Name: "ann"}))
	c := client(s, slacktest.BotToken)
	ch, _, _, err := c.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil {
		t.Fatal(err)
	}
	again, _, already, err := c.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || again.ID != ch.ID || !already {
		t.Fatalf("second open = %v %v %v, want %s already open", again, already, err, ch.ID)
	}
	if _, _, _, err := c.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U9"}}); slackErr(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	if _, _, err := c.PostMessageContext(ctx, "D404", slack.MsgOptionText("x", false)); slackErr(err) != "channel_not_found" {
		t.Errorf("unknown DM: %v", err)
	}
	meta := slack.SlackMetadata{EventType: "pipbot_message", EventPayload: map[string]any{"key": "k1"}}
	_, ts1, err := c.PostMessageContext(ctx, ch.ID, slack.MsgOptionText("one", false), slack.MsgOptionMetadata(meta))
	if err != nil {
		t.Fatal(err)
	}
	_, ts2, err := c.PostMessageContext(ctx, ch.ID, slack.MsgOptionBlocks(slack.NewSectionBlock(
		slack.NewTextBlockObject(slack.MarkdownType, "two", false, false), nil, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if ts2 <= ts1 {
		t.Errorf("ts %s then %s, want increasing", ts1, ts2)
	}
	if _, err := c.PostEphemeralContext(ctx, ch.ID, "U1", slack.MsgOptionText("only you", false)); err != nil {
		t.Fatal(err)
	}
	h, err := c.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch.ID, IncludeAllMetadata: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 2 || h.Messages[0].Timestamp != ts2 || h.Messages[1].Metadata.EventPayload["key"] != "k1" {
		t.Fatalf("history = %+v", h.Messages)
	}
	h, err = c.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch.ID, Oldest: ts1, Limit: 1})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Timestamp != ts2 || h.Messages[0].Metadata.EventType != "" {
		t.Fatalf("history after ts1 without metadata = %+v, %v", h, err)
	}
	msgs := s.Messages()
	if len(msgs) != 2 || msgs[0].Metadata == nil || msgs[1].Blocks == nil || len(s.Ephemerals()) != 1 {
		t.Errorf("recorded %+v and %d ephemerals", msgs, len(s.Ephemerals()))
	}
}

func TestUpdate(t *testing.T) {
	s := slacktest.NewServer(t)
	c := client(s, slacktest.BotToken)
	if _, _, _, err := c.UpdateMessageContext(ctx, "C1", "1.000001", slack.MsgOptionText("x", false)); slackErr(err) != "message_not_found" {
		t.Errorf("update of nothing: %v", err)
	}
	_, ts, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("approve?", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := c.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("approved", false)); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.Current("C1", ts); cur.Text != "approved" || len(s.Updates()) != 1 {
		t.Errorf("current = %+v, updates %v", cur, s.Updates())
	}
}

func TestPace(t *testing.T) {
	clk := newClock()
	s := slacktest.NewServer(t, slacktest.WithClock(clk.Now), slacktest.WithPace(1, 2), slacktest.WithWorkspaceCeiling(2, 3))
	c := client(s, slacktest.BotToken)
	post := func(ch string) error {
		_, _, err := c.PostMessageContext(ctx, ch, slack.MsgOptionText("x", false))
		return err
	}
	for range 2 {
		if err := post("C1"); err != nil {
			t.Fatal(err)
		}
	}
	var rl *slack.RateLimitedError
	if err := post("C1"); !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("third post in a second: %v, want 429 retry after 1s", err)
	}
	if err := post("C2"); err != nil {
		t.Fatalf("another channel: %v", err)
	}
	if err := post("C3"); !errors.As(err, &rl) {
		t.Fatalf("fourth post in the workspace (burst 3): %v, want 429", err)
	}
	clk.Add(time.Second)
	if err := post("C1"); err != nil {
		t.Fatalf("after a second: %v", err)
	}
	if got := s.Count429(); got != 2 {
		t.Errorf("Count429 = %d, want 2", got)
	}
	if len(s.Messages()) != 4 {
		t.Errorf("%d messages, want 4 (a 429 has no effect)", len(s.Messages()))
	}
}

func TestTierLimit(t *testing.T) {
	clk := newClock()
	s := slacktest.NewServer(t, slacktest.WithClock(clk.Now), slacktest.WithTier("chat.update", 2))
	c := client(s, slacktest.BotToken)
	_, ts, _ := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	for range 2 {
		if _, _, _, err := c.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("y", false)); err != nil {
			t.Fatal(err)
		}
	}
	var rl *slack.RateLimitedError
	if _, _, _, err := c.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("y", false)); !errors.As(err, &rl) || rl.RetryAfter != time.Minute {
		t.Fatalf("third update in a minute: %v, want 429 retry after 60s", err)
	}
	clk.Add(time.Minute)
	if _, _, _, err := c.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("y", false)); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}
