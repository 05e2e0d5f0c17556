package slack

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

func TestURLVerificationEchoesChallenge(t *testing.T) {
	h := newRig(t, nil)
	rec := h.send(t, "/slack/events", recorded(t, "url_verification.json"))
	var got map[string]string
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &got) != nil ||
		got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if h.inbox.PutCalls() != 0 {
		t.Error("a challenge was recorded")
	}
}

// TestDirectMessage: a DM is recorded before the 200, then handled by the
// worker as the sender's command and answered in the DM.
func TestDirectMessage(t *testing.T) {
	h := newRig(t, nil)
	rec := h.send(t, "/slack/events", recorded(t, "event_message_im.json"))
	if rec.Code != http.StatusOK {
		t.Fatalf("got %d", rec.Code)
	}
	stored := h.inbox.Stored()
	if len(stored) != 1 {
		t.Fatalf("stored %d deliveries before the 200", len(stored))
	}
	wantKeys := []string{"slack:ev:Ev0IM000001", "slack:msg:D0EMP:1781258400.000100", "slack:msg:D0EMP:5d2f8a7e-1c3b-4f6a-9e0d-7b8c9a1f2e3d"}
	if diff := cmp.Diff(wantKeys, stored[0].Keys); diff != "" || stored[0].Source != "slack" || stored[0].Tenant != "slack:T0PIP" {
		t.Errorf("delivery %+v (keys -want +got %s)", stored[0], diff)
	}
	if len(h.engine.commands()) != 0 {
		t.Fatal("the engine ran before the acknowledgment")
	}
	h.start(t)
	eventually(t, "delivery", func() bool { return len(h.out.all()) == 1 && h.inbox.AllDone() })
	cmd := h.engine.commands()[0]
	want := bot.Command{Platform: "slack", Tenant: "slack:T0PIP", Chat: bot.Chat{ID: "D0EMP"},
		Actor: bot.Person{Tenant: "slack:T0PIP", ID: "U0EMP", Name: "张三", TZ: "Asia/Shanghai", ManagerID: "U0MGR"},
		Text:  "update sales 420000 & visits <@U0MGR>", EventID: "Ev0IM000001", EventKey: "slack:1"}
	if diff := cmp.Diff(want, cmd); diff != "" {
		t.Errorf("command (-want +got):\n%s", diff)
	}
	o := h.out.all()[0].o
	if o.ChannelID != "D0EMP" || !o.DM() || o.UserID != "U0EMP" || o.TeamID != testTeam {
		t.Errorf("origin %+v", o)
	}
}

// TestMentionInChannel: the bot's mention is stripped and the channel is a
// group, where private content stays out.
func TestMentionInChannel(t *testing.T) {
	h := newRig(t, nil)
	h.start(t)
	if rec := h.send(t, "/slack/events", recorded(t, "event_app_mention.json")); rec.Code != http.StatusOK {
		t.Fatalf("got %d", rec.Code)
	}
	eventually(t, "engine", func() bool { return len(h.engine.commands()) == 1 })
	cmd := h.engine.commands()[0]
	if cmd.Text != "team" || !cmd.Chat.Group || cmd.Chat.ID != "C0SALES" || cmd.Actor.ID != "U0MGR" {
		t.Errorf("command %+v", cmd)
	}
}

// TestIgnoredMessages: messages not meant for the bot are acknowledged and
// have no effect.
func TestIgnoredMessages(t *testing.T) {
	im := recorded(t, "event_message_im.json")
	cases := map[string][]byte{
		"bot message":       withEdits(t, im, map[string]any{"event.bot_id": "B0OTHER"}),
		"the bot itself":    withEdits(t, im, map[string]any{"event.user": testBot}),
		"message_changed":   withEdits(t, im, map[string]any{"event.subtype": "message_changed", "event.user": nil}),
		"channel_join":      withEdits(t, im, map[string]any{"event.subtype": "channel_join"}),
		"channel message":   withEdits(t, im, map[string]any{"event.channel_type": "channel", "event.channel": "C0SALES"}),
		"other workspace":   withEdits(t, im, map[string]any{"event.user_team": "T0EXT"}),
		"home messages tab": withEdits(t, recorded(t, "event_app_home_opened.json"), map[string]any{"event.tab": "messages"}),
		"unknown event":     withEdits(t, im, map[string]any{"event.type": "reaction_added"}),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			h := newRig(t, nil)
			if rec := h.send(t, "/slack/events", body); rec.Code != http.StatusOK {
				t.Fatalf("got %d", rec.Code)
			}
			if len(h.inbox.Stored()) != 0 {
				t.Errorf("recorded: %+v", h.inbox.Stored())
			}
		})
	}
}

// TestReplaysHaveOneEffect: the same event five times (Slack's retries
// carry X-Slack-Retry-Num), and the same message again under a new
// event_id, are all acknowledged and handled once.
func TestReplaysHaveOneEffect(t *testing.T) {
	h := newRig(t, nil)
	h.start(t)
	body := recorded(t, "event_message_im.json")
	for i := range 5 {
		hdr := sign(t, body, testSecret, h.clock.Now())
		if i > 0 && i <= 3 {
			hdr.Set("X-Slack-Retry-Num", strconv.Itoa(i))
			hdr.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if rec := h.post(t, "/slack/events", body, hdr); rec.Code != http.StatusOK {
			t.Fatalf("attempt %d: got %d", i, rec.Code)
		}
	}
	again := withEdits(t, body, map[string]any{"event_id": "Ev0IM000002", "event.ts": "1781258400.000999"})
	if rec := h.send(t, "/slack/events", again); rec.Code != http.StatusOK {
		t.Fatalf("redelivery: got %d", rec.Code)
	}
	sameTS := withEdits(t, body, map[string]any{"event_id": "Ev0IM000003", "event.client_msg_id": nil})
	if rec := h.send(t, "/slack/events", sameTS); rec.Code != http.StatusOK {
		t.Fatalf("redelivery: got %d", rec.Code)
	}
	eventually(t, "delivery", func() bool { return len(h.out.all()) == 1 && h.inbox.AllDone() })
	if n := len(h.engine.commands()); n != 1 || len(h.inbox.Stored()) != 1 {
		t.Fatalf("engine ran %d times, %d deliveries stored", n, len(h.inbox.Stored()))
	}
}

// TestInboxDownAnswers500: an event that could not be recorded is not
// acknowledged, so Slack retries it; nothing runs meanwhile.
func TestInboxDownAnswers500(t *testing.T) {
	h := newRig(t, nil)
	h.inbox.PutErr = errors.New("database is locked")
	h.start(t)
	rec := h.send(t, "/slack/events", recorded(t, "event_message_im.json"))
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("X-Slack-No-Retry") != "" {
		t.Fatalf("got %d %v, want 500 and a retry", rec.Code, rec.Header())
	}
	if len(h.engine.commands()) != 0 {
		t.Error("engine called")
	}
}

// TestHomeOpened: opening the App Home publishes the user's plans and, when
// the engine does not refuse it, the team overview.
func TestHomeOpened(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(func(cmd bot.Command) []bot.Reply {
		switch {
		case cmd.Action != nil && cmd.Action.ID == "plan.list":
			return []bot.Reply{{Private: true, Message: bot.Message{Title: "My plans", Blocks: []bot.Block{bot.Text{Body: "#12 张三"}}}}}
		case cmd.Action != nil && cmd.Action.ID == "team.show" && cmd.Actor.ID == "U0MGR":
			return []bot.Reply{{Private: true, Message: bot.Message{Title: "Team", Blocks: []bot.Block{bot.Fields{{Label: "On track", Value: "1"}}}}}}
		}
		return []bot.Reply{{Message: bot.Message{Color: bot.ColorRed, Blocks: []bot.Block{bot.Text{Body: "⚠️ no team"}}}}}
	})
	h.start(t)
	if rec := h.send(t, "/slack/events", recorded(t, "event_app_home_opened.json")); rec.Code != http.StatusOK {
		t.Fatalf("got %d", rec.Code)
	}
	other := withEdits(t, recorded(t, "event_app_home_opened.json"), map[string]any{"event_id": "Ev0HOME0002", "event.user": "U0EMP"})
	h.send(t, "/slack/events", other)
	eventually(t, "two homes", func() bool { return len(h.views.published()) == 2 })
	homes := h.views.published()
	slices.SortFunc(homes, func(x, y publishedHome) int { return strings.Compare(x.user, y.user) })
	mgr, _ := json.Marshal(homes[1].view)
	emp, _ := json.Marshal(homes[0].view)
	if homes[1].user != "U0MGR" || !contains(mgr, "My plans") || !contains(mgr, "Team") || !contains(mgr, `"type":"home"`) {
		t.Errorf("manager's home: %s", mgr)
	}
	if homes[0].user != "U0EMP" || !contains(emp, "My plans") || contains(emp, "no team") {
		t.Errorf("employee's home: %s", emp)
	}
	for _, c := range h.engine.commands() {
		if c.Actor.ID != "U0MGR" && c.Actor.ID != "U0EMP" || c.Tenant != "slack:T0PIP" {
			t.Errorf("home asked the engine as %+v", c)
		}
	}
}

// contains reports whether rendered JSON holds s.
func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
