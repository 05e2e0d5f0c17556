package slack

import (
	"context"
	"github.com/pipbot/pipbot/adapters/inbound/inboundtest"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// peopleMem is the People port in memory, for the real Directory.
type peopleMem struct {
	mu sync.Mutex
	m  map[string]bot.Person
}

func (p *peopleMem) Person(_ context.Context, tenant, id string) (bot.Person, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	got, ok := p.m[tenant+"/"+id]
	if !ok {
		return bot.Person{}, bot.ErrNotFound
	}
	return got, nil
}

func (p *peopleMem) SavePerson(_ context.Context, x bot.Person) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]bot.Person{}
	}
	p.m[x.Tenant+"/"+x.ID] = x
	return nil
}

// TestThroughSlackWebAPI runs the adapter with the real slack-go client,
// Sender and Directory against the fake Web API: the workspace comes from
// auth.test, a slash command's form opens with its trigger (views.open),
// the manager's Approve replaces the clicked message (chat.update) and
// tells the employee, and the App Home is published (views.publish).
func TestThroughSlackWebAPI(t *testing.T) {
	team := slacktest.TeamID
	srv := slacktest.NewServer(t, slacktest.WithUsers(
		slacktest.User{ID: "U0EMP", Name: "zhangsan", RealName: "张三", TZ: "Asia/Shanghai", Locale: "zh-CN"},
		slacktest.User{ID: "U0MGR", Name: "li", RealName: "Li Jing", TZ: "Asia/Shanghai", Locale: "en-US"}))
	client := NewClient(slacktest.BotToken, srv.APIURL(), 5*time.Second)
	sender := NewSender(SenderOptions{Client: client})
	engine, inbox := &engineFake{}, inboundtest.NewInbox()
	logs := &lockedBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	})
	a, err := New(Options{Log: slog.New(slog.NewTextHandler(logs, nil)), SigningSecret: testSecret, Client: client, Engine: engine, Inbox: inbox, Deliverer: sender,
		Profiler: NewDirectory(client, &peopleMem{}, 0, nil), Owner: "it"})
	if err != nil {
		t.Fatal(err)
	}
	a.tune.pipe.Poll = 10 * time.Millisecond
	h := &rig{a: a, inbox: inbox, engine: engine, clock: &clockFake{t: time.Now()}}
	h.start(t)
	engine.answer(func(cmd bot.Command) []bot.Reply {
		if cmd.Action != nil && cmd.Action.ID == "plan.approve" {
			return approveEngine(cmd)
		}
		if cmd.Action != nil {
			return []bot.Reply{{Private: true, Message: bot.Message{Title: "My plans", Blocks: []bot.Block{bot.Text{Body: "#12"}}}}}
		}
		return []bot.Reply{newPlanForm()}
	})
	now := func() { h.clock.t = time.Now() }

	trigger := srv.Trigger("U0EMP")
	now()
	h.send(t, "/slack/commands", slashBody(t, map[string]string{"team_id": team, "trigger_id": trigger}))
	eventually(t, "modal", func() bool { return len(srv.Views()) == 1 })
	if v := srv.Views()[0]; v.TriggerID != trigger || v.UserID != "U0EMP" || v.Type != "modal" {
		t.Errorf("view %+v", v)
	}
	if c := engine.commands()[0]; c.Tenant != "slack:"+team || c.Actor.Name != "张三" || c.Actor.TZ != "Asia/Shanghai" {
		t.Errorf("command %+v", c)
	}

	card := bot.Message{Title: "Plan #12", Blocks: []bot.Block{bot.Buttons{{Label: "Approve",
		Action: bot.ActionRef{ID: "plan.approve", Args: map[string]string{"plan": "12"}}}}}}
	ts, err := sender.Send(t.Context(), team, bot.Reply{To: "U0MGR", Private: true, Key: "plan:12:ask", Message: card})
	if err != nil {
		t.Fatal(err)
	}
	dm, _ := srv.DM("U0MGR")
	value, _ := blockkit.ActionValue(bot.ActionRef{ID: "plan.approve", Args: map[string]string{"plan": "12"}})
	click := withEdits(t, recorded(t, "block_actions_approve.json"), map[string]any{
		"team.id": team, "user.team_id": team, "trigger_id": srv.Trigger("U0MGR"),
		"container.message_ts": ts, "container.channel_id": dm, "channel.id": dm,
		"actions": []any{map[string]any{"action_id": "pip:plan.approve:1", "block_id": "a1", "type": "button", "value": value, "action_ts": "1.2"}},
	})
	now()
	h.send(t, "/slack/interactions", interactionBody(click))
	eventually(t, "update and notice", func() bool { return len(srv.Updates()) == 1 && len(srv.Messages()) == 2 })
	if u := srv.Updates()[0]; u.Channel != dm || u.TS != ts || !strings.Contains(string(u.Blocks), "approved") ||
		strings.Contains(string(u.Blocks), "pip:plan.approve") {
		t.Errorf("update %+v", u)
	}
	empDM, _ := srv.DM("U0EMP")
	if m := srv.Messages()[1]; m.Channel != empDM || !strings.Contains(string(m.Blocks), "approved") {
		t.Errorf("notice %+v", m)
	}

	home := withEdits(t, recorded(t, "event_app_home_opened.json"), map[string]any{"team_id": team})
	now()
	h.send(t, "/slack/events", home)
	eventually(t, "home", func() bool { return len(srv.HomeViews()) == 1 })
	if hv := srv.HomeViews()[0]; hv.UserID != "U0MGR" || !strings.Contains(string(hv.JSON), "My plans") {
		t.Errorf("home %+v", hv)
	}
}
