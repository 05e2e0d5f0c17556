package lark

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

// approvalEngine approves plan 12 for its manager only: the decided card
// replaces the clicked one and the employee is told. Anyone else is refused.
func approvalEngine(cmd bot.Command) ([]bot.Reply, error) {
	if cmd.Actor.ID != "ou_mgr" {
		return []bot.Reply{{Message: bot.Message{Color: bot.ColorRed, Blocks: []bot.Block{bot.Text{Body: "⚠️ 只有计划的经理可以审批"}}}}}, nil
	}
	decided := bot.Message{Title: "绩效改进计划 #12", Color: bot.ColorGreen,
		Blocks: []bot.Block{bot.Text{Body: "已批准 **#12**"}, bot.Fields{{Label: "状态", Value: "执行中"}}}}
	return []bot.Reply{
		{Replace: true, Private: true, Message: decided, Key: "plan-12-approved"},
		{To: "ou_emp", Private: true, Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "你的计划 #12 已批准"}}}, Key: "plan-12-approved-emp"},
	}, nil
}

type cardAnswer struct {
	Toast *struct {
		Type    string            `json:"type"`
		Content string            `json:"content"`
		I18n    map[string]string `json:"i18n"`
	} `json:"toast"`
	Card *struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	} `json:"card"`
}

func click(t *testing.T, h *harness, payload []byte) cardAnswer {
	t.Helper()
	rec := h.send(t, "/lark/cards", payload)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var a cardAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatalf("answer %s: %v", rec.Body, err)
	}
	return a
}

func TestApproveByManager(t *testing.T) {
	h := newHarness(t, nil)
	h.engine.reply = approvalEngine
	h.start(t)
	ans := click(t, h, fixture(t, "card_approve.json"))
	if ans.Card == nil || ans.Card.Type != "raw" || ans.Card.Data["schema"] != "2.0" {
		t.Fatalf("no replacement card: %+v", ans)
	}
	if ans.Toast == nil || ans.Toast.Type != "success" || ans.Toast.Content != "已批准 #12" {
		t.Errorf("toast %+v", ans.Toast)
	}
	got := h.engine.commands()[0]
	want := bot.Command{Platform: bot.PlatformLark, Tenant: "lark:" + testTenantKey,
		Actor:   bot.Person{Tenant: "lark:" + testTenantKey, ID: "ou_mgr", Name: "李经理", Locale: "zh"},
		Chat:    bot.Chat{ID: "oc_dm_mgr"},
		Action:  &bot.ActionInput{ID: "plan.approve", Args: map[string]string{"plan": "12"}},
		EventID: "c0ffee00c0ffee00c0ffee00c0ffee01", EventKey: "lark-card:1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("command (-want +got):\n%s", diff)
	}
	// The employee's notice follows the answer; the card went in the answer.
	out := <-h.out.calls
	if len(out.replies) != 1 || out.replies[0].To != "ou_emp" || out.o.UpdateToken != "" || out.o.CardMessageID != "om_card_approve" {
		t.Errorf("delivered %+v", out)
	}
	waitFor(t, "the click finished", func() bool { return h.inbox.Finished(1) })
	d := h.inbox.Stored()[0]
	if d.Source != sourceCards || len(d.Keys) != 1 || d.Keys[0] != "lark:cardev:"+testTenantKey+":c0ffee00c0ffee00c0ffee00c0ffee01" {
		t.Errorf("stored %+v", d)
	}
}

func TestApproveByAnotherUser(t *testing.T) {
	h := newHarness(t, nil)
	h.engine.reply = approvalEngine
	h.start(t)
	// The value names the manager; only the operator counts.
	payload := edited(t, fixture(t, "card_approve.json"), map[string]any{
		"event.operator.open_id": "ou_other",
		"event.action.value":     map[string]any{"action": "plan.approve", "args": map[string]any{"plan": "12", "user": "ou_mgr", "open_id": "ou_mgr"}},
	})
	ans := click(t, h, payload)
	if ans.Card != nil || ans.Toast == nil || ans.Toast.Type != "error" {
		t.Errorf("answer %+v, want an error toast", ans)
	}
	if got := h.engine.commands()[0].Actor.ID; got != "ou_other" {
		t.Errorf("engine was told the clicker is %q", got)
	}
}

func TestClickRefusedBeforeEngine(t *testing.T) {
	cases := map[string]map[string]any{
		"empty operator":        {"event.operator.open_id": ""},
		"no operator":           {"event.operator": nil},
		"operator of elsewhere": {"event.operator.tenant_key": "another_tenant"},
		"operator tenant unset": {"event.operator.tenant_key": nil},
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.start(t)
			ans := click(t, h, edited(t, fixture(t, "card_approve.json"), edit))
			if ans.Toast == nil || ans.Toast.Type != "error" || ans.Toast.I18n["en_us"] == "" || ans.Card != nil {
				t.Errorf("answer %+v, want a localised error toast", ans)
			}
			time.Sleep(30 * time.Millisecond)
			if n := len(h.engine.commands()); n != 0 {
				t.Errorf("engine called %d times", n)
			}
			if n := len(h.inbox.Stored()); n != 0 {
				t.Errorf("stored %d", n)
			}
		})
	}
}

// A redelivery of the same callback (same tenant and event id) has no
// effect; a second, deliberate click of the same button later is a new
// callback and is answered.
func TestClickReplayed(t *testing.T) {
	h := newHarness(t, nil)
	h.engine.reply = approvalEngine
	h.start(t)
	payload := fixture(t, "card_approve.json")
	click(t, h, payload)
	if ans := click(t, h, payload); ans.Toast != nil || ans.Card != nil {
		t.Errorf("redelivery answered %+v, want {}", ans)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(h.engine.commands()); n != 1 {
		t.Errorf("engine called %d times for one callback", n)
	}
	again := edited(t, payload, map[string]any{"header.event_id": "new-event-id", "event.token": "c-update-token-2"})
	if ans := click(t, h, again); ans.Toast == nil && ans.Card == nil {
		t.Errorf("a second click answered %+v, want the engine's answer", ans)
	}
	if n := len(h.engine.commands()); n != 2 {
		t.Errorf("engine called %d times for two clicks", n)
	}
	if keys := h.inbox.Stored()[1].Keys; len(keys) != 1 || keys[0] != "lark:cardev:"+testTenantKey+":new-event-id" {
		t.Errorf("second click's keys %v, want its tenant and event id", keys)
	}
}

// An engine slower than the budget: "working on it" now, the replies later
// through the delayed update.
func TestSlowClickUsesDelayedUpdate(t *testing.T) {
	h := newHarness(t, nil)
	h.a.tune.budget = 100 * time.Millisecond
	release := make(chan struct{})
	h.engine.reply = func(cmd bot.Command) ([]bot.Reply, error) {
		<-release
		return approvalEngine(cmd)
	}
	h.start(t)
	start := time.Now()
	ans := click(t, h, fixture(t, "card_approve.json"))
	if took := time.Since(start); took > time.Second {
		t.Errorf("answered after %s", took)
	}
	if ans.Toast == nil || ans.Toast.Type != "info" || ans.Toast.Content != "处理中…" || ans.Toast.I18n["en_us"] != "Working on it…" || ans.Card != nil {
		t.Fatalf("answer %+v", ans)
	}
	close(release)
	out := <-h.out.calls
	if out.o.UpdateToken != "c-update-token-approve" || len(out.replies) != 2 || !out.replies[0].Replace {
		t.Errorf("delivered %+v", out)
	}
	waitFor(t, "the click finished", func() bool { return h.inbox.Finished(1) })
}

func TestFormSubmitWithProblems(t *testing.T) {
	h := newHarness(t, nil)
	h.engine.reply = func(bot.Command) ([]bot.Reply, error) {
		return []bot.Reply{{Message: bot.Message{Color: bot.ColorRed, Blocks: []bot.Block{bot.Text{Body: "⚠️ 表单有误"}}},
			Errors: map[string]string{"m1": "目标值必须是数字", "due": "截止日期不能早于今天"}}}, nil
	}
	h.start(t)
	ans := click(t, h, fixture(t, "card_form_submit.json"))
	if ans.Toast == nil || ans.Toast.Type != "error" || ans.Toast.Content != "⚠️ 表单有误；截止日期不能早于今天；目标值必须是数字" {
		t.Errorf("toast %+v", ans.Toast)
	}
	in := h.engine.commands()[0].Action
	want := &bot.ActionInput{ID: "plan.update", Args: map[string]string{"plan": "12"},
		Values: map[string]string{"progress": "完成了两次客户拜访", "m1": "420000", "due": "2026-12-03"}}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("action (-want +got):\n%s", diff)
	}
	waitFor(t, "the click finished", func() bool { return h.inbox.Finished(1) })
	if n := len(h.out.all()); n != 0 {
		t.Errorf("delivered %d: the toast said it all", n)
	}
}

// A click left by a crashed process is handled by the worker once its lease
// runs out, and answered through the delayed update.
func TestOrphanedClickRecovered(t *testing.T) {
	h := newHarness(t, nil)
	h.engine.reply = approvalEngine
	d := &bot.Delivery{Source: sourceCards, Tenant: "lark:" + testTenantKey, Keys: []string{"k"},
		Payload: fixture(t, "card_approve.json"), ReceivedAt: h.clock.Now()}
	ctx := context.Background()
	if _, err := h.inbox.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := h.inbox.Claim(ctx, sourceCards, "crashed", 1, h.clock.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	h.start(t)
	time.Sleep(30 * time.Millisecond)
	if n := len(h.engine.commands()); n != 0 {
		t.Fatalf("engine ran while the crashed process held the lease")
	}
	h.clock.Advance(h.a.tune.pipe.Lease + time.Second)
	out := <-h.out.calls
	if out.o.UpdateToken != "c-update-token-approve" || out.o.OperatorID != "ou_mgr" || len(out.replies) != 2 {
		t.Errorf("delivered %+v", out)
	}
	waitFor(t, "finished", func() bool { return h.inbox.Finished(1) })
}

func TestClickOnForeignCardIgnored(t *testing.T) {
	h := newHarness(t, nil)
	ans := click(t, h, edited(t, fixture(t, "card_approve.json"), map[string]any{"event.action.value": map[string]any{"k": "v"}}))
	if ans.Toast != nil || ans.Card != nil || len(h.inbox.Stored()) != 0 {
		t.Errorf("answer %+v", ans)
	}
}

type fakeChats map[string]string

func (f fakeChats) ChatType(_ context.Context, _, chatID string) (string, error) {
	if k, ok := f[chatID]; ok {
		return k, nil
	}
	return "", errors.New("chat api down")
}

// A click's chat is a DM unless the adapter knows, or can look up, that it
// is a group (a failed lookup: TestClickChatLookupFails).
func TestClickChatKind(t *testing.T) {
	cases := []struct {
		name  string
		chats ChatTyper
		seen  string
		group bool
	}{
		{"unknown, no lookup", nil, "", false},
		{"seen as a group", nil, "group", true},
		{"looked up as a group", fakeChats{"oc_dm_mgr": "group"}, "", true},
		{"looked up as p2p", fakeChats{"oc_dm_mgr": "p2p"}, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(o *Options) { o.Chats = tc.chats })
			h.a.chats.note("oc_dm_mgr", tc.seen)
			h.start(t)
			click(t, h, fixture(t, "card_approve.json"))
			if got := h.engine.commands()[0].Chat.Group; got != tc.group {
				t.Errorf("group = %v, want %v", got, tc.group)
			}
		})
	}
}

// Private content never replaces a card in a group, whatever the engine asks.
func TestNoPrivateReplaceInGroup(t *testing.T) {
	h := newHarness(t, nil)
	h.a.chats.note("oc_dm_mgr", "group")
	h.engine.reply = approvalEngine
	h.start(t)
	ans := click(t, h, fixture(t, "card_approve.json"))
	if ans.Card != nil {
		t.Fatalf("the group's card was replaced with private content: %+v", ans.Card)
	}
	out := <-h.out.calls
	if len(out.replies) != 2 || out.o.ChatType != "group" {
		t.Errorf("delivered %+v", out)
	}
}

// flakyChats fails its first fails lookups, then answers kind.
type flakyChats struct {
	mu    sync.Mutex
	fails int
	kind  string
}

func (f *flakyChats) ChatType(context.Context, string, string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return "", errors.New("chat api down")
	}
	return f.kind, nil
}

// A click whose chat cannot be looked up is left pending, not guessed, so
// every run of it decides alike: it runs once the lookup answers; only on
// its last attempt does an unanswered lookup count as a group.
func TestClickChatLookupFails(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fails  int // lookups that fail, from the first
		runs   int // attempts before the engine runs
		group  bool
		always bool
	}{
		{name: "answers on the second attempt", fails: 1, runs: 2, group: false},
		{name: "never answers", always: true, group: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chats := &flakyChats{fails: tc.fails, kind: "p2p"}
			h := newHarness(t, func(o *Options) { o.Chats = chats })
			if tc.always {
				chats.fails = h.a.tune.pipe.MaxAttempts
				tc.runs = h.a.tune.pipe.MaxAttempts
			}
			h.start(t)
			click(t, h, fixture(t, "card_approve.json"))
			for attempt := 1; attempt < tc.runs; attempt++ {
				time.Sleep(50 * time.Millisecond)
				if n := len(h.engine.commands()); n != 0 {
					t.Fatalf("attempt %d ran the engine %d times with the chat unknown", attempt, n)
				}
				if h.inbox.Finished(1) {
					t.Fatalf("attempt %d finished the click", attempt)
				}
				h.clock.Advance(h.a.tune.pipe.Lease + time.Second)
			}
			<-h.engine.calls
			cmds := h.engine.commands()
			if len(cmds) != 1 {
				t.Fatalf("engine ran %d times, want once", len(cmds))
			}
			if cmds[0].Chat.Group != tc.group {
				t.Errorf("group = %v, want %v", cmds[0].Chat.Group, tc.group)
			}
		})
	}
}
