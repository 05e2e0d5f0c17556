package slack

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// TestLeftoverInlineRequest: a slash command recorded by a process that
// died before answering is claimed by the worker once its lease is free and
// answered by message; its form, whose trigger has long expired, goes as a
// message with an open button instead of a modal.
func TestLeftoverInlineRequest(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(func(bot.Command) []bot.Reply { return []bot.Reply{newPlanForm()} })
	sc, err := parseSlash(t.Context(), recorded(t, "slash_command.txt"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(uiPayload{Kind: kindCommand, Command: &sc})
	d := &bot.Delivery{Source: sourceUI, Tenant: "slack:T0PIP", Keys: []string{"slack:cmd:T0PIP:" + sc.TriggerID},
		Payload: raw, ReceivedAt: h.clock.Now().Add(-time.Minute)}
	if _, err := h.inbox.Put(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	h.start(t)
	eventually(t, "delivery", func() bool { return len(h.out.all()) == 1 && h.inbox.AllDone() })
	if len(h.views.modals()) != 0 {
		t.Error("a modal was opened with an expired trigger")
	}
	got := h.out.all()[0]
	if got.o.EventID != "ui-1" || got.o.ChannelID != "D0EMP" || len(got.replies) != 1 {
		t.Errorf("delivered %+v", got)
	}
	if cmd := h.engine.commands()[0]; cmd.Text != "/pip new form" || cmd.Actor.ID != "U0EMP" {
		t.Errorf("command %+v", cmd)
	}
}

// TestClickInAppHome: a button pressed in the App Home answers the user by
// DM (there is no conversation there) and publishes the Home again.
func TestClickInAppHome(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(func(cmd bot.Command) []bot.Reply {
		if cmd.Action.ID == "plan.approve" {
			return []bot.Reply{{Replace: true, Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "approved"}}}}}
		}
		return []bot.Reply{textReply(cmd.Action.ID)}
	})
	h.start(t)
	body := withEdits(t, recorded(t, "block_actions_approve.json"), map[string]any{
		"container": map[string]any{"type": "view", "view_id": "V0HOME"},
		"view":      map[string]any{"id": "V0HOME", "type": "home", "team_id": "T0PIP"},
		"channel":   nil, "message": nil,
	})
	h.send(t, "/slack/interactions", interactionBody(body))
	eventually(t, "home published", func() bool { return len(h.views.published()) == 1 })
	d := h.out.all()[0]
	if d.o.ChannelID != "" || len(d.replies) != 1 || d.replies[0].To != "U0MGR" || d.replies[0].Replace {
		t.Errorf("delivered %+v", d)
	}
	if h.views.published()[0].user != "U0MGR" {
		t.Errorf("published for %q", h.views.published()[0].user)
	}
}
