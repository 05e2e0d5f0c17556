package slacktest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
)

// TestUsersProfileGet reads custom fields through slack-go: set, empty
// (Slack's "fields": []), unknown users, tokens, and the method's limit.
func TestUsersProfileGet(t *testing.T) {
	clk := newClock()
	s := slacktest.NewServer(t, slacktest.WithClock(clk.Now), slacktest.WithTier("users.profile.get", 3),
		slacktest.WithUsers(
			slacktest.User{ID: "U1", Name: "li", RealName: "Li Lei", Fields: map[string]string{"Xf01": "U0MGR", "Xf02": "Sales"}},
			slacktest.User{ID: "U2", Name: "ann", RealName: "Ann Wu"}))
	c := client(s, slacktest.BotToken)
	p, err := c.GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	if f := p.FieldsMap(); len(f) != 2 || f["Xf01"].Value != "U0MGR" || f["Xf02"].Value != "Sales" || p.RealName != "Li Lei" || p.DisplayName != "li" {
		t.Errorf("profile %+v, fields %+v", p, f)
	}
	p, err = c.GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: "U2"})
	if err != nil || p.Fields.Len() != 0 {
		t.Errorf("no fields: %+v, %v", p, err)
	}
	if _, err := c.GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: "U404"}); slackErr(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	var rl *slack.RateLimitedError
	if _, err := c.GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: "U1"}); !errors.As(err, &rl) || rl.RetryAfter != time.Minute {
		t.Errorf("fourth call in a minute: %v, want 429 retry after 60s", err)
	}
	if _, err := client(s, "xoxb-wrong").GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: "U1"}); slackErr(err) != "invalid_auth" {
		t.Errorf("wrong token: %v", err)
	}
	if _, err := client(s, "").GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: "U1"}); slackErr(err) != "not_authed" {
		t.Errorf("no token: %v", err)
	}

	clk.Add(time.Minute)
	if !s.SetField("U1", "Xf01", "") || !s.SetField("U2", "Xf01", "U0BOSS") || s.SetField("U404", "Xf01", "U1") {
		t.Fatal("SetField on known and unknown users")
	}
	p, err = c.GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: "U1"})
	if _, set := p.FieldsMap()["Xf01"]; err != nil || set {
		t.Errorf("cleared field: %+v, %v", p.FieldsMap(), err)
	}
	p, err = c.GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: "U2"})
	if err != nil || p.FieldsMap()["Xf01"].Value != "U0BOSS" {
		t.Errorf("set field: %+v, %v", p.FieldsMap(), err)
	}
}
