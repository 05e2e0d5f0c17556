package slacktest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
)

func modal(title string) slack.ModalViewRequest {
	return slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "plan_new",
		Title:  slack.NewTextBlockObject(slack.PlainTextType, title, false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
}

func TestViewsOpen(t *testing.T) {
	clk := newClock()
	s := slacktest.NewServer(t, slacktest.WithClock(clk.Now))
	c := client(s, slacktest.BotToken)
	if _, err := c.OpenViewContext(ctx, "1.2.unknown", modal("New plan")); slackErr(err) != "invalid_trigger_id" {
		t.Errorf("unknown trigger: %v", err)
	}
	tr := s.Trigger("U1")
	v, err := c.OpenViewContext(ctx, tr, modal("New plan"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenViewContext(ctx, tr, modal("New plan")); slackErr(err) != "exchanged_trigger_id" {
		t.Errorf("trigger used twice: %v", err)
	}
	late := s.Trigger("U1")
	clk.Add(3*time.Second + time.Millisecond)
	if _, err := c.OpenViewContext(ctx, late, modal("New plan")); slackErr(err) != "expired_trigger_id" {
		t.Errorf("trigger after 3 s: %v", err)
	}
	if _, err := c.UpdateViewContext(ctx, modal("Step 2"), "", "stale-hash", v.ID); slackErr(err) != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
	if _, err := c.UpdateViewContext(ctx, modal("Step 2"), "", v.Hash, v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateViewContext(ctx, modal("Step 2"), "", "", "V404"); slackErr(err) != "not_found" {
		t.Errorf("unknown view: %v", err)
	}
	views := s.Views()
	if len(views) != 2 || views[0].Op != "open" || views[0].UserID != "U1" || views[1].Op != "update" ||
		views[1].ID != v.ID || !strings.Contains(string(views[1].JSON), "Step 2") {
		t.Errorf("views = %+v", views)
	}
}

func TestViewsPublish(t *testing.T) {
	s := slacktest.NewServer(t)
	c := client(s, slacktest.BotToken)
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
	if _, err := c.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: home}); err != nil {
		t.Fatal(err)
	}
	if got := s.HomeViews(); len(got) != 1 || got[0].UserID != "U1" {
		t.Errorf("home views = %+v", got)
	}
}

func TestUsersInfo(t *testing.T) {
	s := slacktest.NewServer(t, slacktest.WithUsers(slacktest.User{ID: "U1", Name: "li", RealName: "Li Lei",
		TZ: "Asia/Shanghai", Locale: "zh-CN"}))
	c := client(s, slacktest.BotToken)
	u, err := c.GetUserInfoContext(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if u.RealName != "Li Lei" || u.TZ != "Asia/Shanghai" || u.TZOffset != 8*3600 || u.Locale != "zh-CN" || u.TeamID != slacktest.TeamID {
		t.Errorf("user = %+v", u)
	}
	u, err = c.GetUserInfoContext(ctx, "U1", slack.GetUserInfoOptionIncludeLocale(false))
	if err != nil || u.Locale != "" {
		t.Errorf("without include_locale: %q, %v", u.Locale, err)
	}
	if _, err := c.GetUserInfoContext(ctx, "U404"); slackErr(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
}

func TestConnectionsOpen(t *testing.T) {
	s := slacktest.NewServer(t, slacktest.WithSocketURL("ws://127.0.0.1:1/socket"))
	_, url, err := client(s, slacktest.BotToken, slack.OptionAppLevelToken(slacktest.AppToken)).StartSocketModeContext(ctx)
	if err != nil || url != "ws://127.0.0.1:1/socket" {
		t.Errorf("apps.connections.open = %q, %v", url, err)
	}
	if _, _, err := client(s, slacktest.BotToken, slack.OptionAppLevelToken(slacktest.BotToken)).StartSocketModeContext(ctx); slackErr(err) != "invalid_auth" {
		t.Errorf("bot token for a socket: %v", err)
	}
}

func TestLoseNextResponses(t *testing.T) {
	s := slacktest.NewServer(t)
	s.LoseNextResponses("chat.postMessage", 1)
	c := slack.New(slacktest.BotToken, slack.OptionAPIURL(s.APIURL()),
		slack.OptionHTTPClient(&http.Client{Timeout: 200 * time.Millisecond}))
	if _, _, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("lost answer", false)); err == nil {
		t.Fatal("the answer was lost, yet the post succeeded")
	}
	if _, _, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("answered", false)); err != nil {
		t.Fatal(err)
	}
	if got := len(s.Messages()); got != 2 {
		t.Errorf("%d messages, want 2: a lost answer still posts", got)
	}
}
