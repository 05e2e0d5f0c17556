package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage/storagetest"
)

const e2eSigningSecret = "e2e-signing-secret"

// slackRig is pipbot serving Slack over HTTP against the fake Web API.
type slackRig struct {
	t    *testing.T
	a    *app
	fake *slacktest.Server
	url  string
	seq  atomic.Int64
	// submitted lists the modals already submitted, so each submit takes
	// the next one opened.
	submitted map[string]bool
}

func startSlack(t *testing.T, dsn string) *slackRig {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	fake := slacktest.NewServer(t, slacktest.WithUsers(
		slacktest.User{ID: "UEMP", Name: "zhangsan", RealName: "张三", TZ: "Asia/Shanghai", Locale: "zh-CN"},
		slacktest.User{ID: "UMGR", Name: "wang", RealName: "王经理", TZ: "Asia/Shanghai", Locale: "zh-CN"},
		slacktest.User{ID: "UEVE", Name: "eve", RealName: "Eve", TZ: "America/New_York", Locale: "en-US"},
	))
	cfg := config.Default()
	cfg.DB = dsn
	cfg.Slack = config.SlackConfig{BotToken: slacktest.BotToken, SigningSecret: e2eSigningSecret, APIURL: fake.APIURL()}
	a, err := newApp(ctx, cfg, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if a.slack, err = a.newSlack(ctx, time.Now); err != nil {
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
	return &slackRig{t: t, a: a, fake: fake, url: "http://" + ln.Addr().String(), submitted: map[string]bool{}}
}

// post sends body to path, signed as Slack signs requests.
func (s *slackRig) post(path, contentType string, body []byte) (int, []byte) {
	s.t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(e2eSigningSecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest(http.MethodPost, s.url+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// slash runs "/pip text" as user in their DM with the bot.
func (s *slackRig) slash(user, text string) {
	s.t.Helper()
	form := url.Values{"token": {"x"}, "team_id": {slacktest.TeamID}, "channel_id": {s.fake.OpenDM(user)},
		"channel_name": {"directmessage"}, "user_id": {user}, "command": {"/pip"}, "text": {text},
		"trigger_id": {s.fake.Trigger(user)}, "api_app_id": {"A1"}, "response_url": {s.url + "/nowhere"}}
	if code, body := s.post("/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode())); code != http.StatusOK {
		s.t.Fatalf("/pip %s: %d %s", text, code, body)
	}
}

// interact posts an interactivity payload and returns the answer body.
func (s *slackRig) interact(payload map[string]any) []byte {
	s.t.Helper()
	raw, _ := json.Marshal(payload)
	code, body := s.post("/slack/interactions", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(raw)}}.Encode()))
	if code != http.StatusOK {
		s.t.Fatalf("interaction: %d %s", code, body)
	}
	return body
}

// click presses the button for action on message ts in channel, as user.
func (s *slackRig) click(user, channel, ts string, blocks json.RawMessage, action string) []byte {
	s.t.Helper()
	id, value := findSlackButton(s.t, blocks, action)
	return s.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": user, "team_id": slacktest.TeamID},
		"team": map[string]any{"id": slacktest.TeamID}, "api_app_id": "A1", "trigger_id": s.fake.Trigger(user),
		"container": map[string]any{"type": "message", "message_ts": ts, "channel_id": channel},
		"channel":   map[string]any{"id": channel}, "message": map[string]any{"ts": ts},
		"actions": []any{map[string]any{"type": "button", "action_id": id, "block_id": "b", "value": value,
			"action_ts": fmt.Sprint(s.seq.Add(1))}}})
}

// submit submits the last modal opened for user with values by input name.
func (s *slackRig) submit(user string, values map[string]map[string]any) []byte {
	s.t.Helper()
	var v slacktest.View
	eventually(s.t, "a modal opened for "+user, func() bool {
		for _, x := range s.fake.Views() {
			if x.UserID == user && x.Op == "open" && !s.submitted[x.ID] {
				v = x
			}
		}
		return v.ID != ""
	})
	s.submitted[v.ID] = true
	state := map[string]any{}
	for name, val := range values {
		state[name] = map[string]any{name: val}
	}
	return s.interact(map[string]any{"type": "view_submission", "user": map[string]any{"id": user, "team_id": slacktest.TeamID},
		"team": map[string]any{"id": slacktest.TeamID}, "api_app_id": "A1", "trigger_id": s.fake.Trigger(user),
		"view": map[string]any{"id": v.ID, "type": "modal", "callback_id": v.CallbackID, "private_metadata": v.PrivateMetadata,
			"hash": v.Hash, "state": map[string]any{"values": state}}})
}

// awaitMessage waits for a message in channel (after the n-th) whose blocks mention every part.
func (s *slackRig) awaitMessage(channel string, after int, parts ...string) slacktest.Message {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		msgs := s.fake.Messages()
		for _, m := range msgs[min(after, len(msgs)):] {
			ok := m.Channel == channel
			for _, p := range parts {
				ok = ok && bytes.Contains(m.Blocks, []byte(p))
			}
			if ok {
				return m
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("no message in %s with %q", channel, parts)
	return slacktest.Message{}
}

// findSlackButton finds the action_id and value of the button for an engine action.
func findSlackButton(t *testing.T, blocks json.RawMessage, action string) (string, string) {
	t.Helper()
	var tree any
	_ = json.Unmarshal(blocks, &tree)
	var id, value string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if aid, _ := x["action_id"].(string); strings.HasPrefix(aid, "pip:"+action+":") && id == "" {
				id, _ = x["action_id"].(string)
				value, _ = x["value"].(string)
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
	walk(tree)
	if id == "" {
		t.Fatalf("no %s button in %s", action, blocks)
	}
	return id, value
}

func text(v string) map[string]any { return map[string]any{"type": "plain_text_input", "value": v} }

// TestEndToEndSlack: /pip new opens the modal, its submission creates the
// plan, the manager approves from the DM, the employee acknowledges, posts
// the weekly update through the modal, and the manager's App Home shows the
// team, all through signed requests, the real adapter and a database.
func TestEndToEndSlack(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		s := startSlack(t, dsn)
		ctx := context.Background()
		tenant := "slack:" + slacktest.TeamID

		s.slash("UEMP", "new")
		s.submit("UEMP", map[string]map[string]any{
			"employee":   {"type": "users_select", "selected_user": nil},
			"manager":    {"type": "users_select", "selected_user": "UMGR"},
			"type":       {"type": "static_select", "selected_option": map[string]any{"value": "under_performer"}},
			"gap_metric": text("季度销售额"), "gap_target": text("50万"), "gap_actual": text("35万"), "gap_unit": text("元"),
			"cause_dim":  {"type": "static_select", "selected_option": map[string]any{"value": "person"}},
			"cause_text": text("客户跟进不及时"), "goal_metric": text("季度销售额"), "goal_baseline": text("35万"),
			"goal_target": text("50万"), "goal_unit": text("元"),
			"goal_deadline": {"type": "datepicker", "selected_date": "2027-01-31"},
			"action_what":   text("更新客户拜访记录"), "action_when": text("每周五 17:00"), "action_resources": text("CRM"),
			"end": {"type": "datepicker", "selected_date": nil},
		})
		var p *bot.Plan
		eventually(t, "the plan created from the modal", func() bool {
			p, _ = s.a.db.PlanByNumber(ctx, tenant, 1)
			return p != nil
		})
		if p.EmployeeID != "UEMP" || p.ManagerID != "UMGR" || p.Gap.Target != 500000 {
			t.Fatalf("plan = %+v", p)
		}

		sent := len(s.fake.Messages())
		s.slash("UEMP", "submit 1")
		mgrDM := s.fake.OpenDM("UMGR")
		approval := s.awaitMessage(mgrDM, sent, "plan.approve")

		// Another user pressing Approve changes nothing.
		s.click("UEVE", mgrDM, approval.TS, approval.Blocks, "plan.approve")
		if p, _ := s.a.db.PlanByNumber(ctx, tenant, 1); p.Status != bot.StatusSubmitted {
			t.Fatalf("another user's click moved the plan to %s", p.Status)
		}
		// The manager approves: the DM message is updated without its buttons.
		sent = len(s.fake.Messages())
		s.click("UMGR", mgrDM, approval.TS, approval.Blocks, "plan.approve")
		eventually(t, "the approval message updated without Approve", func() bool {
			cur, ok := s.fake.Current(mgrDM, approval.TS)
			return ok && len(s.fake.Updates()) > 0 && !bytes.Contains(cur.Blocks, []byte(`pip:plan.approve`))
		})

		empDM := s.fake.OpenDM("UEMP")
		ackMsg := s.awaitMessage(empDM, sent, "plan.ack")
		s.click("UEMP", empDM, ackMsg.TS, ackMsg.Blocks, "plan.ack")
		eventually(t, "the plan active after the acknowledgment", func() bool {
			p, _ := s.a.db.PlanByNumber(ctx, tenant, 1)
			return p.Status == bot.StatusActive
		})

		// The weekly update through the modal.
		var acked slacktest.Message
		eventually(t, "the acknowledged message offering the weekly update", func() bool {
			acked, _ = s.fake.Current(empDM, ackMsg.TS)
			return bytes.Contains(acked.Blocks, []byte("pip:plan.update:"))
		})
		s.click("UEMP", empDM, ackMsg.TS, acked.Blocks, "plan.update")
		s.submit("UEMP", map[string]map[string]any{"goal_1": text("42万"), "text": text("本周拜访8家客户")})
		var ups []bot.Update
		eventually(t, "the weekly update recorded", func() bool {
			ups, _ = s.a.db.Updates(ctx, tenant, p.ID)
			return len(ups) == 1
		})
		if ups[0].Values[0].Value != 420000 {
			t.Fatalf("updates = %+v", ups)
		}

		// The manager opens the App Home and sees the team.
		ev, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": slacktest.TeamID, "api_app_id": "A1",
			"event_id": "Ev-home-1", "event_time": time.Now().Unix(),
			"event": map[string]any{"type": "app_home_opened", "user": "UMGR", "channel": mgrDM, "tab": "home", "event_ts": "1.1"}})
		if code, body := s.post("/slack/events", "application/json", ev); code != http.StatusOK {
			t.Fatalf("app_home_opened: %d %s", code, body)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			var home []byte
			for _, h := range s.fake.HomeViews() {
				if h.UserID == "UMGR" {
					home = h.JSON
				}
			}
			if bytes.Contains(home, []byte("团队概览")) && bytes.Contains(home, []byte("张三")) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the manager's App Home lacks the team: %s", home)
			}
			time.Sleep(20 * time.Millisecond)
		}
		audit, _ := s.a.db.Audit(ctx, tenant, p.ID)
		var steps []string
		for _, e := range audit {
			steps = append(steps, e.Action)
		}
		if got, want := strings.Join(steps, " "), "plan.create plan.edit plan.submit plan.approve plan.acknowledge plan.update"; got != want {
			t.Errorf("audit:\n got %s\nwant %s", got, want)
		}
	})
}

// testLog discards logs unless PIPBOT_TEST_LOG is set.
func testLog(t *testing.T) *slog.Logger {
	if os.Getenv("PIPBOT_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// eventually waits up to 10 s for cond, failing with what was awaited.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
