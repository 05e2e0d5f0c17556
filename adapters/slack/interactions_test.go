package slack

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/bot"
)

// approveEngine approves for the plan's manager and refuses anyone else,
// as the engine does: it decides by the actor it is given.
func approveEngine(cmd bot.Command) []bot.Reply {
	if cmd.Action == nil || cmd.Action.ID != "plan.approve" {
		return []bot.Reply{textReply("?")}
	}
	if cmd.Actor.ID != "U0MGR" {
		return []bot.Reply{{Message: bot.Message{Color: bot.ColorRed, Blocks: []bot.Block{bot.Text{Body: "⚠️ not allowed"}}}}}
	}
	return []bot.Reply{
		{Replace: true, Message: bot.Message{Title: "Plan #12 approved", Blocks: []bot.Block{bot.Text{Body: "Approved by Li"}}}},
		{To: "U0EMP", Private: true, Key: "plan:12:approved", Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "Your plan #12 was approved"}}}},
	}
}

// TestApproveByManager: the click runs as the clicking user of the
// payload's team, and the decided message is replaced (chat.update of the
// clicked message) so its buttons are gone.
func TestApproveByManager(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(approveEngine)
	h.start(t)
	rec := h.send(t, "/slack/interactions", interactionBody(recorded(t, "block_actions_approve.json")))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("got %d %q", rec.Code, rec.Body)
	}
	eventually(t, "delivery", func() bool { return len(h.out.all()) == 1 && h.inbox.AllDone() })
	cmd := h.engine.commands()[0]
	if cmd.Actor.ID != "U0MGR" || cmd.Tenant != "slack:T0PIP" || cmd.Chat.Group ||
		!cmp.Equal(cmd.Action, &bot.ActionInput{ID: "plan.approve", Args: map[string]string{"plan": "12"}}) {
		t.Errorf("command %+v %+v", cmd, cmd.Action)
	}
	d := h.out.all()[0]
	if d.o.MessageTS != "1781258600.000400" || d.o.ChannelID != "D0MGR" || d.o.UserID != "U0MGR" || d.o.EventID == "" {
		t.Errorf("origin %+v", d.o)
	}
	if len(d.replies) != 2 || !d.replies[0].Replace || d.replies[1].To != "U0EMP" {
		t.Errorf("replies %+v", d.replies)
	}
	if k := h.inbox.Stored()[0].Keys[0]; k != "slack:act:T0PIP:U0MGR:1781258600.000400:pip:plan.approve:1:1781258610.123456" {
		t.Errorf("key %s", k)
	}
}

// TestApproveByAnotherUser: another member of the workspace clicking the
// same button reaches the engine as themselves, and the engine refuses.
func TestApproveByAnotherUser(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(approveEngine)
	h.start(t)
	body := withEdits(t, recorded(t, "block_actions_approve.json"), map[string]any{"user.id": "U0EMP", "user.name": "zhangsan"})
	h.send(t, "/slack/interactions", interactionBody(body))
	eventually(t, "delivery", func() bool { return len(h.out.all()) == 1 })
	if cmd := h.engine.commands()[0]; cmd.Actor.ID != "U0EMP" {
		t.Errorf("engine asked as %q", cmd.Actor.ID)
	}
	if r := h.out.all()[0].replies; len(r) != 1 || r[0].Replace {
		t.Errorf("replies %+v", r)
	}
}

// TestClickFromAnotherWorkspace: in a Slack Connect channel a user of
// another workspace can press the button; the click is refused before the
// engine and the inbox, and they are told so only they can see.
func TestClickFromAnotherWorkspace(t *testing.T) {
	for name, edits := range map[string]map[string]any{
		"user of another team": {"user.id": "U0EXT", "user.team_id": "T0EXT"},
		"payload of another":   {"user.id": "U0EXT", "user.team_id": "T0EXT", "team.id": "T0EXT"},
		"user without team":    {"user.team_id": nil},
	} {
		t.Run(name, func(t *testing.T) {
			h := newRig(t, nil)
			catcher := newResponseCatcher(t)
			h.start(t)
			edits["response_url"] = catcher.URL + "/actions/T0PIP/1/x"
			body := withEdits(t, recorded(t, "block_actions_approve.json"), edits)
			if rec := h.send(t, "/slack/interactions", interactionBody(body)); rec.Code != http.StatusOK {
				t.Fatalf("got %d", rec.Code)
			}
			eventually(t, "ephemeral refusal", func() bool { return len(catcher.posts()) == 1 })
			p := catcher.posts()[0]
			if p["response_type"] != "ephemeral" || !strings.Contains(p["text"].(string), "nothing was done") {
				t.Errorf("posted %v", p)
			}
			if len(h.engine.commands()) != 0 || h.inbox.PutCalls() != 0 || len(h.out.all()) != 0 {
				t.Error("the click had an effect")
			}
			if logs := h.logs.String(); strings.Contains(logs, catcher.URL) {
				t.Error("response_url logged")
			}
		})
	}
}

// TestClickReplay: the same click replayed has one effect; a second,
// deliberate click of the same button (a new action_ts) is answered. The
// click's key names its workspace.
func TestClickReplay(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(approveEngine)
	raw := recorded(t, "block_actions_approve.json")
	body := interactionBody(raw)
	for range 5 {
		if rec := h.send(t, "/slack/interactions", body); rec.Code != http.StatusOK {
			t.Fatalf("got %d", rec.Code)
		}
	}
	if n := len(h.engine.commands()); n != 1 {
		t.Fatalf("engine ran %d times", n)
	}
	if keys := h.inbox.Stored()[0].Keys; len(keys) != 1 || !strings.HasPrefix(keys[0], "slack:act:"+testTeam+":") {
		t.Errorf("click keys %v, want one naming the workspace", keys)
	}
	var payload map[string]any
	if err := json.Unmarshal(raw, &payload); err != nil {
		t.Fatal(err)
	}
	payload["actions"].([]any)[0].(map[string]any)["action_ts"] = "1781258699.9"
	again, _ := json.Marshal(payload)
	if rec := h.send(t, "/slack/interactions", interactionBody(again)); rec.Code != http.StatusOK {
		t.Fatalf("second click: %d", rec.Code)
	}
	if n := len(h.engine.commands()); n != 2 {
		t.Errorf("engine ran %d times for two clicks", n)
	}
}

// TestClickAnsweredWithForm: a click the engine answers with a form opens
// it as a modal with the click's trigger; an "open form" button carrying
// its form opens it without the engine.
func TestClickAnsweredWithForm(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(func(bot.Command) []bot.Reply { return []bot.Reply{newPlanForm()} })
	h.start(t)
	h.send(t, "/slack/interactions", interactionBody(recorded(t, "block_actions_approve.json")))
	eventually(t, "modal", func() bool { return len(h.views.modals()) == 1 })
	if m := h.views.modals()[0]; m.trigger != "13345224609.8534564800.6f8ab1f53e13d0cd15f96106292d5536" {
		t.Errorf("trigger %q", m.trigger)
	}
	value, err := blockkit.FormValue(newPlanForm().Message.Blocks[0].(bot.Form))
	if err != nil {
		t.Fatal(err)
	}
	body := withEdits(t, recorded(t, "block_actions_approve.json"), map[string]any{"trigger_id": "trigger-2",
		"actions": []any{map[string]any{"action_id": "pip.form:plan.create:1", "block_id": "b2", "type": "button",
			"value": value, "action_ts": "1781258620.1"}}})
	h.send(t, "/slack/interactions", interactionBody(body))
	eventually(t, "second modal", func() bool { return len(h.views.modals()) == 2 })
	if m := h.views.modals()[1]; m.trigger != "trigger-2" || len(h.engine.commands()) != 1 {
		t.Errorf("trigger %q, engine ran %d times", m.trigger, len(h.engine.commands()))
	}
}

// TestSubmissionErrors: values the engine refuses keep the modal open with
// the problem under its input (the input's block_id); nothing is sent.
func TestSubmissionErrors(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(func(bot.Command) []bot.Reply {
		return []bot.Reply{{Message: bot.Message{Color: bot.ColorRed, Blocks: []bot.Block{bot.Text{Body: "⚠️ check the form"}}},
			Errors: map[string]string{"sales": "not a number"}}}
	})
	h.start(t)
	rec := h.send(t, "/slack/interactions", interactionBody(recorded(t, "view_submission.json")))
	var got struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &got) != nil {
		t.Fatalf("got %d %q", rec.Code, rec.Body)
	}
	if got.ResponseAction != "errors" || !cmp.Equal(got.Errors, map[string]string{"sales": "not a number"}) {
		t.Errorf("answer %s", rec.Body)
	}
	eventually(t, "finished", h.inbox.AllDone)
	if len(h.out.all()) != 0 {
		t.Errorf("sent %+v", h.out.all())
	}
}

// TestSubmissionAccepted: good values close the modal and the answer is
// delivered where the form was asked, as the submitting user.
func TestSubmissionAccepted(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(func(bot.Command) []bot.Reply { return []bot.Reply{textReply("Progress recorded")} })
	h.start(t)
	rec := h.send(t, "/slack/interactions", interactionBody(recorded(t, "view_submission.json")))
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"response_action":"clear"}` {
		t.Fatalf("got %d %q", rec.Code, rec.Body)
	}
	eventually(t, "delivery", func() bool { return len(h.out.all()) == 1 })
	cmd := h.engine.commands()[0]
	want := &bot.ActionInput{ID: "plan.update", Args: map[string]string{"plan": "12"},
		Values: map[string]string{"sales": "42万", "note": "two new clients"}}
	if diff := cmp.Diff(want, cmd.Action); diff != "" || cmd.Actor.ID != "U0EMP" || cmd.Chat.ID != "D0EMP" {
		t.Errorf("command %+v (-want +got %s)", cmd, diff)
	}
	if o := h.out.all()[0].o; o.ChannelID != "D0EMP" || o.MessageTS != "1781258700.000500" || !o.DM() {
		t.Errorf("origin %+v", o)
	}
	if rec := h.send(t, "/slack/interactions", interactionBody(recorded(t, "view_submission.json"))); rec.Code != http.StatusOK ||
		len(h.engine.commands()) != 1 {
		t.Error("a replayed submission ran again")
	}
}
