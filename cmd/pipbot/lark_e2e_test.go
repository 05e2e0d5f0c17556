package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// feishu is pipbot serving Feishu callbacks over HTTP, talking to a fake
// Open API, on a real database.
type feishu struct {
	t      *testing.T
	a      *app
	fake   *larktest.Server
	url    string
	seq    atomic.Int64
	tenant string
}

const (
	e2eTenantKey = "tk_e2e"
	e2eToken     = "vt-e2e"
	e2eKey       = "ek-e2e-0123456789"
)

func startFeishu(t *testing.T, dsn string) *feishu {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	fake := larktest.NewServer(t, larktest.WithUsers(
		larktest.User{OpenID: "ou_emp", Name: "张三", LeaderOpenID: "ou_mgr", TimeZone: "Asia/Shanghai"},
		larktest.User{OpenID: "ou_mgr", Name: "王经理", TimeZone: "Asia/Shanghai"},
		larktest.User{OpenID: "ou_eve", Name: "Eve", TimeZone: "Asia/Shanghai"},
	))
	for _, c := range []string{"oc_emp", "oc_mgr", "oc_eve"} {
		fake.SetChat(c, "p2p")
	}
	cfg := config.Default()
	cfg.DB = dsn
	cfg.Lark = config.LarkConfig{AppID: larktest.AppID, AppSecret: larktest.AppSecret, VerificationToken: e2eToken,
		EncryptKey: e2eKey, Domain: fake.URL, Mode: "webhook"}
	log := slog.New(slog.DiscardHandler)
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if a.lark, err = a.newLark(ctx, time.Now); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served, ran := make(chan error, 1), make(chan struct{})
	go func() { served <- a.serveHTTP(ctx, ln) }()
	go func() { a.runPlatforms(ctx, time.Now); close(ran) }()
	t.Cleanup(func() {
		cancel()
		<-served
		<-ran
		_ = a.Close()
	})
	return &feishu{t: t, a: a, fake: fake, url: "http://" + ln.Addr().String(), tenant: "lark:" + e2eTenantKey}
}

// post sends a Feishu event or callback, encrypted and signed as the platform does.
func (f *feishu) post(path, eventType string, event any) (int, []byte) {
	f.t.Helper()
	n := f.seq.Add(1)
	plain := larktest.Event(fmt.Sprintf("ev-%d", n), eventType, e2eTenantKey, e2eToken, event)
	body, h := larktest.Seal(plain, e2eKey, time.Now())
	req, _ := http.NewRequest(http.MethodPost, f.url+path, bytes.NewReader(body))
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// say sends a text message in a p2p chat.
func (f *feishu) say(openID, chatID, text string) {
	f.t.Helper()
	n := f.seq.Add(1)
	msg := larktest.TextMessage(fmt.Sprintf("om-%d", n), chatID, "p2p", openID, e2eTenantKey, text, nil)
	if code, body := f.post("/lark/events", "im.message.receive_v1", msg); code != http.StatusOK {
		f.t.Fatalf("message %q: %d %s", text, code, body)
	}
}

// click presses a card button (or submits a form) as openID and returns the
// callback's answer.
func (f *feishu) click(openID, chatID, messageID string, value, form map[string]any) map[string]any {
	f.t.Helper()
	code, body := f.post("/lark/cards", "card.action.trigger", larktest.CardAction(openID, e2eTenantKey, messageID, chatID, value, form))
	if code != http.StatusOK {
		f.t.Fatalf("click: %d %s", code, body)
	}
	var resp map[string]any
	if err := json.Unmarshal(body, &resp); err != nil {
		f.t.Fatalf("click answer %s: %v", body, err)
	}
	return resp
}

// await waits for a message to receiver whose card mentions every part.
func (f *feishu) await(receiver string, after int, parts ...string) larktest.Message {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		msgs := f.fake.Messages()
		for _, m := range msgs[min(after, len(msgs)):] {
			if m.ReceiveID != receiver {
				continue
			}
			raw, _ := json.Marshal(m.Card)
			ok := true
			for _, p := range parts {
				ok = ok && bytes.Contains(raw, []byte(p))
			}
			if ok {
				return m
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.t.Fatalf("no message to %s with %q; sent: %d", receiver, parts, len(f.fake.Messages()))
	return larktest.Message{}
}

// buttonValue finds the callback value of the button for action in a card.
func buttonValue(t *testing.T, c map[string]any, action string) map[string]any {
	t.Helper()
	var found map[string]any
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["action"] == action {
				if _, ok := x["args"]; ok && found == nil {
					found = x
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(c)
	if found == nil {
		t.Fatalf("no %s button in the card", action)
	}
	return found
}

// TestEndToEndFeishu: an employee creates a plan in a p2p chat, the manager
// approves it from the card, the employee acknowledges, posts the weekly
// update through the card form, and the manager sees the team overview, all
// through signed and encrypted callbacks, the real adapter and a database.
func TestEndToEndFeishu(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		f := startFeishu(t, dsn)
		ctx := context.Background()

		// The employee asks for the one-form creation and submits it from the card.
		f.say("ou_emp", "oc_emp", "新建 表单")
		formMsg := f.await("oc_emp", 0, "plan.create")
		resp := f.click("ou_emp", "oc_emp", formMsg.ID, buttonValue(t, formMsg.Card, "plan.create"), map[string]any{
			"employee": "", "manager": "", "type": "under_performer", // the approver comes from the org chart
			"gap_metric": "季度销售额", "gap_target": "500000", "gap_actual": "350000", "gap_unit": "元",
			"cause_dim": "person", "cause_text": "客户跟进不及时",
			"goal_metric": "季度销售额", "goal_baseline": "35万", "goal_target": "50万", "goal_unit": "元", "goal_deadline": "2027-01-31 +0800",
			"action_what": "更新客户拜访记录", "action_when": "每周五 17:00", "action_resources": "CRM", "end": ""})
		p, err := f.a.db.PlanByNumber(ctx, f.tenant, 1)
		if err != nil {
			t.Fatalf("no plan after the form (answer %v): %v", resp, err)
		}
		if p.EmployeeID != "ou_emp" || p.ManagerID != "ou_mgr" || p.Goals[0].Target != 500000 {
			t.Fatalf("plan = %+v", p)
		}

		// Submitting sends the manager an approval card.
		sent := len(f.fake.Messages())
		f.say("ou_emp", "oc_emp", "提交 1")
		approval := f.await("ou_mgr", sent, "plan.approve")
		approve := buttonValue(t, approval.Card, "plan.approve")

		// Someone else pressing Approve is refused by who they are, whatever the button says.
		f.click("ou_eve", "oc_eve", approval.ID, approve, nil)
		if p, _ := f.a.db.PlanByNumber(ctx, f.tenant, 1); p.Status != bot.StatusSubmitted {
			t.Fatalf("another user's click moved the plan to %s", p.Status)
		}

		// The manager approves from the card: the card is replaced without its buttons.
		sent = len(f.fake.Messages())
		resp = f.click("ou_mgr", "oc_mgr", approval.ID, approve, nil)
		replaced, _ := json.Marshal(resp["card"])
		if resp["card"] == nil || bytes.Contains(replaced, []byte(`"plan.approve"`)) {
			t.Fatalf("approval answer keeps its buttons or has no card: %s", replaced)
		}

		// The employee acknowledges from the card sent to them.
		ackMsg := f.await("ou_emp", sent, "plan.ack")
		resp = f.click("ou_emp", "oc_emp", ackMsg.ID, buttonValue(t, ackMsg.Card, "plan.ack"), nil)
		if p, _ := f.a.db.PlanByNumber(ctx, f.tenant, 1); p.Status != bot.StatusActive {
			t.Fatalf("after acknowledging the plan is %s", p.Status)
		}

		// The weekly update through the card form: the button opens the form, the form posts it.
		sent = len(f.fake.Messages())
		f.click("ou_emp", "oc_emp", ackMsg.ID, buttonValue(t, resp["card"].(map[string]any), "plan.update"), nil)
		updForm := f.await("oc_emp", sent, "goal_1")
		f.click("ou_emp", "oc_emp", updForm.ID, buttonValue(t, updForm.Card, "plan.update"),
			map[string]any{"goal_1": "42万", "text": "本周拜访8家客户"})
		ups, _ := f.a.db.Updates(ctx, f.tenant, p.ID)
		if len(ups) != 1 || len(ups[0].Values) != 1 || ups[0].Values[0].Value != 420000 {
			t.Fatalf("updates = %+v", ups)
		}

		// The manager's team overview.
		sent = len(f.fake.Messages())
		f.say("ou_mgr", "oc_mgr", "团队")
		f.await("oc_mgr", sent, "团队概览", "张三")

		audit, _ := f.a.db.Audit(ctx, f.tenant, p.ID)
		var steps []string
		for _, e := range audit {
			steps = append(steps, e.Action)
			if e.Platform != bot.PlatformLark {
				t.Errorf("audit entry from %q, want lark", e.Platform)
			}
		}
		if got, want := strings.Join(steps, " "), "plan.create plan.edit plan.submit plan.approve plan.acknowledge plan.update"; got != want {
			t.Errorf("audit:\n got %s\nwant %s", got, want)
		}
		for _, m := range f.fake.Messages() {
			if m.ReceiveIDType == "chat_id" && !strings.HasPrefix(m.ReceiveID, "oc_") {
				t.Errorf("odd receiver %s", m.ReceiveID)
			}
		}
	})
}
