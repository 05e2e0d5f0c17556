package slack

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/bot"
)

const slashTrigger = "13345224609.738474920.8088930838d88f008e0"

// newPlanForm is a form reply as the engine gives it.
func newPlanForm() bot.Reply {
	f := bot.Form{Title: "New plan", Action: bot.ActionRef{ID: "plan.create"}, Submit: "Create", Inputs: []bot.Input{
		{Name: "gap_metric", Label: "Metric", Kind: bot.InputText, Required: true},
		{Name: "gap_target", Label: "Target", Kind: bot.InputNumber, Required: true},
	}}
	return bot.Reply{Private: true, Message: bot.Message{Title: "New plan", Blocks: []bot.Block{f}}}
}

// TestSlashCommandOpensModal: "/pip new" answered with a form opens it as
// a modal with the command's trigger inside Slack's 3 s, acknowledged with
// an empty 200.
func TestSlashCommandOpensModal(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(func(bot.Command) []bot.Reply { return []bot.Reply{newPlanForm()} })
	h.start(t)
	start := time.Now()
	rec := h.send(t, "/slack/commands", recorded(t, "slash_command.txt"))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("got %d %q, want an empty 200", rec.Code, rec.Body)
	}
	eventually(t, "modal", func() bool { return len(h.views.modals()) == 1 })
	m := h.views.modals()[0]
	if m.trigger != slashTrigger || m.at.Sub(start) > 3*time.Second {
		t.Errorf("modal opened with %q after %v", m.trigger, m.at.Sub(start))
	}
	meta, err := blockkit.ParseMetadata(m.view.PrivateMetadata)
	if err != nil || meta.Action.ID != "plan.create" || meta.Channel != "D0EMP" {
		t.Errorf("metadata %+v, %v", meta, err)
	}
	want := bot.Command{Platform: "slack", Tenant: "slack:T0PIP", Text: "/pip new form", Chat: bot.Chat{ID: "D0EMP"},
		Actor:    bot.Person{Tenant: "slack:T0PIP", ID: "U0EMP", Name: "张三", TZ: "Asia/Shanghai", ManagerID: "U0MGR"},
		EventKey: "slack-ui:1"} // the recorded delivery: a rerun of it has no second effect
	got := h.engine.commands()[0]
	got.EventID = ""
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("command (-want +got):\n%s", diff)
	}
	eventually(t, "finished", h.inbox.AllDone)
	if len(h.out.all()) != 0 {
		t.Errorf("the form was also sent: %+v", h.out.all())
	}
	if k := h.inbox.Stored()[0].Keys; len(k) != 1 || k[0] != "slack:cmd:T0PIP:"+slashTrigger {
		t.Errorf("keys %v", k)
	}
}

// TestSlashSubcommands: English and Chinese sub-commands reach the engine
// as explicit /pip commands.
func TestSlashSubcommands(t *testing.T) {
	for text, want := range map[string]string{
		"new": "/pip new form", "新建": "/pip 新建 form", "update sales 420000 拜访客户": "/pip update sales 420000 拜访客户",
		"  ": "/pip", "更新 12 销售额 42万": "/pip 更新 12 销售额 42万",
	} {
		h := newRig(t, nil)
		body := slashBody(t, map[string]string{"text": text, "trigger_id": "t-" + want})
		if rec := h.send(t, "/slack/commands", body); rec.Code != http.StatusOK {
			t.Fatalf("%q: got %d", text, rec.Code)
		}
		if cmds := h.engine.commands(); len(cmds) != 1 || cmds[0].Text != want {
			t.Errorf("%q: engine got %+v", text, cmds)
		}
	}
}

// TestSlashInChannelStaysPrivate: in a channel, a plain answer is the
// acknowledgment's ephemeral text and anything richer goes to the asker
// only; nothing is posted for the channel.
func TestSlashInChannelStaysPrivate(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(func(bot.Command) []bot.Reply {
		card := bot.Reply{Message: bot.Message{Title: "Plan #12", Blocks: []bot.Block{bot.Fields{{Label: "Sales", Value: "350k"}}}}}
		return []bot.Reply{textReply("Plan #12 is **on track** <!channel>"), card}
	})
	h.start(t)
	rec := h.send(t, "/slack/commands", slashBody(t, map[string]string{"channel_id": "C0SALES", "channel_name": "sales", "text": "show 12"}))
	var ack map[string]string
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &ack) != nil {
		t.Fatalf("got %d %q", rec.Code, rec.Body)
	}
	if ack["response_type"] != "ephemeral" || ack["text"] != "Plan #12 is *on track* &lt;!channel&gt;" {
		t.Errorf("ack %v", ack)
	}
	if !h.engine.commands()[0].Chat.Group {
		t.Error("a channel was taken for a DM")
	}
	eventually(t, "delivery", func() bool { return len(h.out.all()) == 1 })
	d := h.out.all()[0]
	if len(d.replies) != 1 || !d.replies[0].Private || d.o.ChannelID != "C0SALES" || d.o.DM() {
		t.Errorf("delivered %+v", d)
	}
}

// TestSlashReplay: the same command (same trigger_id) twice runs once.
func TestSlashReplay(t *testing.T) {
	h := newRig(t, nil)
	body := recorded(t, "slash_command.txt")
	for range 3 {
		if rec := h.send(t, "/slack/commands", body); rec.Code != http.StatusOK {
			t.Fatalf("got %d", rec.Code)
		}
	}
	if n := len(h.engine.commands()); n != 1 {
		t.Fatalf("engine ran %d times", n)
	}
}

// TestSlashSlowEngine: when the engine needs longer than the budget, the
// command is acknowledged in time and answered when the engine is done.
func TestSlashSlowEngine(t *testing.T) {
	h := newRig(t, nil)
	h.a.tune.budget = 50 * time.Millisecond
	release := make(chan struct{})
	h.engine.answer(func(bot.Command) []bot.Reply { <-release; return []bot.Reply{textReply("done")} })
	h.start(t)
	start := time.Now()
	rec := h.send(t, "/slack/commands", recorded(t, "slash_command.txt"))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Working on it") || time.Since(start) > time.Second {
		t.Fatalf("got %d %q after %v", rec.Code, rec.Body, time.Since(start))
	}
	close(release)
	eventually(t, "late delivery", func() bool { return len(h.out.all()) == 1 && h.inbox.AllDone() })
}

// TestModalRefusedFallsBackToMessage: when views.open fails (an expired
// trigger), the form goes to the asker as a message with an open button.
func TestModalRefusedFallsBackToMessage(t *testing.T) {
	h := newRig(t, nil)
	h.views.openErr = errors.New("expired_trigger_id")
	h.engine.answer(func(bot.Command) []bot.Reply { return []bot.Reply{newPlanForm()} })
	h.start(t)
	h.send(t, "/slack/commands", recorded(t, "slash_command.txt"))
	eventually(t, "delivery", func() bool { return len(h.out.all()) == 1 })
	r := h.out.all()[0].replies
	if len(r) != 1 || len(r[0].Message.Blocks) != 1 {
		t.Fatalf("delivered %+v", r)
	}
	if _, ok := r[0].Message.Blocks[0].(bot.Form); !ok {
		t.Errorf("delivered %+v", r)
	}
}

func TestSlashNewOpensTheForm(t *testing.T) {
	cases := map[string]string{"new": "/pip new form", "新建": "/pip 新建 form", " New ": "/pip New form",
		"new <@U1>": "/pip new <@U1>", "update sales 4": "/pip update sales 4", "": "/pip"}
	for in, want := range cases {
		if got := slashText(in); got != want {
			t.Errorf("slashText(%q) = %q, want %q", in, got, want)
		}
	}
}
