package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage/storagetest"
)

const (
	e2eSigningSecret = "e2e-signing-secret"
	// e2eManagerField is the workspace's "Manager" custom profile field (a
	// user-type field), named by SLACK_MANAGER_FIELD.
	e2eManagerField = "Xf01MANAGER"
	e2eTenant       = "slack:" + slacktest.TeamID
)

// slackSetup is how one test's workspace and pipbot differ from the plain
// ones: its people, and the environment pipbot is started with besides the
// database and the Slack app's credentials (SLACK_MANAGER_FIELD, PIPBOT_ORG,
// PIPBOT_RULES, PIPBOT_HR, …).
type slackSetup struct {
	users []slacktest.User // nil: slackPeople()
	env   map[string]string
}

// slackPeople is the workspace of the tests: an employee, their manager,
// HR, a mentor and a peer, each with their Slack language and zone.
func slackPeople() []slacktest.User {
	return []slacktest.User{
		{ID: "UEMP", Name: "zhangsan", RealName: "张三", TZ: "Asia/Shanghai", Locale: "zh-CN"},
		{ID: "UMGR", Name: "wang", RealName: "王经理", TZ: "Asia/Shanghai", Locale: "zh-CN"},
		{ID: "UHR", Name: "lin", RealName: "林HR", TZ: "Asia/Shanghai", Locale: "zh-CN"},
		{ID: "UMEN", Name: "zhao", RealName: "赵导师", TZ: "Asia/Shanghai", Locale: "zh-CN"},
		{ID: "UEVE", Name: "eve", RealName: "Eve", TZ: "America/New_York", Locale: "en-US"},
	}
}

// slackRig is pipbot serving Slack over HTTP against the fake Web API,
// configured as an operator would: through the environment.
type slackRig struct {
	t    testing.TB
	a    *app
	fake *slacktest.Server
	url  string
	env  map[string]string // what pipbot was started with, for the CLI on the same database
	resp *slackResponses
	seq  atomic.Int64
	stop func() // ends the process; the test's end does too

	mu sync.Mutex
	// submitted lists the modals already submitted, so each submit takes
	// the next one opened.
	submitted map[string]bool
	// acks are the bodies of the slash commands' acknowledgments typed in
	// channels, which Slack shows as messages (ephemeral or not).
	acks []slackResponse
}

func startSlack(t testing.TB, dsn string, setup slackSetup) *slackRig {
	t.Helper()
	return startSlackProc(t, dsn, setup, nil, procOpts{})
}

// startSlackProc starts a pipbot process for Slack on dsn against fake (a
// new one when nil, shared with other processes otherwise); s.stop ends
// it, as the test's end does.
func startSlackProc(t testing.TB, dsn string, setup slackSetup, fake *slacktest.Server, proc procOpts) *slackRig {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if fake == nil {
		users := setup.users
		if users == nil {
			users = slackPeople()
		}
		fake = slacktest.NewServer(t, slacktest.WithUsers(users...))
	}
	now := proc.now()
	env := map[string]string{"PIPBOT_DB": dsn, "SLACK_BOT_TOKEN": slacktest.BotToken,
		"SLACK_SIGNING_SECRET": e2eSigningSecret, "SLACK_API_URL": fake.APIURL()}
	maps.Copy(env, setup.env)
	cfg, err := config.Load(mapEnv(env), "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, testLog(t), proc.app...)
	if err != nil {
		t.Fatal(err)
	}
	if a.slack, err = a.newSlack(ctx, now); err != nil {
		t.Fatal(err)
	}
	url, stop := serveApp(t, ctx, cancel, a, now)
	return &slackRig{t: t, a: a, fake: fake, url: url, env: env, stop: stop,
		resp: newSlackResponses(t), submitted: map[string]bool{}}
}

// slackResponse is a message posted to a response_url, or a slash
// command's acknowledgment: Slack shows it in Channel to User alone unless
// its response_type is "in_channel".
type slackResponse struct {
	Channel, User string
	Type          string // "ephemeral" (Slack's default) or "in_channel"
	Text          string
	Blocks        json.RawMessage
}

// InChannel reports whether everyone in the channel sees it.
func (r slackResponse) InChannel() bool { return r.Type == "in_channel" }

// slackResponses stands in for Slack's response_url endpoints: each slash
// command and click gets a URL of its own, good for five posts, each a
// JSON message for the channel it came from.
type slackResponses struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seq  int
	urls map[string]*responseURL
	got  []slackResponse
}

type responseURL struct {
	channel, user string
	uses          int
}

func newSlackResponses(t testing.TB) *slackResponses {
	r := &slackResponses{urls: map[string]*responseURL{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

// url mints the response_url of a command or click by user in channel.
func (r *slackResponses) url(channel, user string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	path := fmt.Sprintf("/commands/%s/%d/%08x", slacktest.TeamID, r.seq, uint32(r.seq)*2654435761)
	r.urls[path] = &responseURL{channel: channel, user: user}
	return r.srv.URL + path
}

func (r *slackResponses) serve(w http.ResponseWriter, req *http.Request) {
	var body struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
	}
	raw, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	u := r.urls[req.URL.Path]
	switch {
	case req.Method != http.MethodPost || u == nil:
		http.Error(w, "no_service", http.StatusNotFound)
		return
	case u.uses >= 5:
		http.Error(w, "used_url", http.StatusNotFound)
		return
	case json.Unmarshal(raw, &body) != nil || (body.Text == "" && len(body.Blocks) == 0):
		http.Error(w, "no_text", http.StatusBadRequest)
		return
	}
	u.uses++
	typ := body.ResponseType
	if typ == "" {
		typ = "ephemeral"
	}
	r.got = append(r.got, slackResponse{Channel: u.channel, User: u.user, Type: typ, Text: body.Text, Blocks: body.Blocks})
	_, _ = io.WriteString(w, "ok")
}

// posts lists what was posted to the response_urls, oldest first.
func (r *slackResponses) posts() []slackResponse {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
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
	s.slashIn(user, s.fake.OpenDM(user), "directmessage", text)
}

// slashIn runs "/pip text" as user in channel (named name, as Slack names
// it in the payload) and records the acknowledgment, which Slack shows
// the user as a message there.
func (s *slackRig) slashIn(user, channel, name, text string) {
	s.t.Helper()
	form := url.Values{"token": {"x"}, "team_id": {slacktest.TeamID}, "team_domain": {"fake"}, "channel_id": {channel},
		"channel_name": {name}, "user_id": {user}, "user_name": {strings.ToLower(user)}, "command": {"/pip"}, "text": {text},
		"trigger_id": {s.fake.Trigger(user)}, "api_app_id": {"A1"}, "response_url": {s.resp.url(channel, user)}}
	code, body := s.post("/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()))
	if code != http.StatusOK {
		s.t.Fatalf("/pip %s: %d %s", text, code, body)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return
	}
	var ack struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
	}
	if err := json.Unmarshal(body, &ack); err != nil {
		s.t.Fatalf("/pip %s: acknowledgment %q: %v", text, body, err)
	}
	typ := ack.ResponseType
	if typ == "" {
		typ = "ephemeral"
	}
	s.mu.Lock()
	s.acks = append(s.acks, slackResponse{Channel: channel, User: user, Type: typ, Text: ack.Text, Blocks: ack.Blocks})
	s.mu.Unlock()
}

// mention posts user's message "@pipbot text" in channel, as the Events
// API delivers it: an app_mention event, with the mention as Slack writes
// it.
func (s *slackRig) mention(user, channel, text string) {
	s.t.Helper()
	s.message(map[string]any{"type": "app_mention", "user": user, "channel": channel,
		"text": "<@" + slacktest.BotUserID + "> " + text})
}

// say posts user's message text in their DM with the bot, as the Events
// API delivers it: a message event of an im channel.
func (s *slackRig) say(user, text string) {
	s.t.Helper()
	s.message(map[string]any{"type": "message", "channel_type": "im", "user": user, "channel": s.fake.OpenDM(user), "text": text})
}

// message posts a message event (ev, given its type, user, channel and
// text) with a new event id, ts and client_msg_id.
func (s *slackRig) message(ev map[string]any) {
	s.t.Helper()
	n := s.seq.Add(1)
	ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), n)
	ev["team"], ev["ts"], ev["event_ts"] = slacktest.TeamID, ts, ts
	ev["client_msg_id"] = fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "token": "x", "team_id": slacktest.TeamID,
		"api_app_id": "A1", "event_id": fmt.Sprintf("Ev%010d", n), "event_time": time.Now().Unix(), "event": ev})
	if code, resp := s.post("/slack/events", "application/json", body); code != http.StatusOK {
		s.t.Fatalf("%s %q: %d %s", ev["type"], ev["text"], code, resp)
	}
}

// acknowledgments lists the slash commands' acknowledgments in channels.
func (s *slackRig) acknowledgments() []slackResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
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
	name := "directmessage"
	if !strings.HasPrefix(channel, "D") {
		name = "team"
	}
	return s.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": user, "team_id": slacktest.TeamID},
		"team": map[string]any{"id": slacktest.TeamID}, "api_app_id": "A1", "trigger_id": s.fake.Trigger(user),
		"container": map[string]any{"type": "message", "message_ts": ts, "channel_id": channel},
		"channel":   map[string]any{"id": channel, "name": name}, "message": map[string]any{"ts": ts},
		"response_url": s.resp.url(channel, user),
		"actions": []any{map[string]any{"type": "button", "action_id": id, "block_id": "b", "value": value,
			"action_ts": fmt.Sprint(s.seq.Add(1))}}})
}

// modal waits for the next modal opened for user that no submit took yet.
func (s *slackRig) modal(user string) slacktest.View {
	s.t.Helper()
	var v slacktest.View
	eventually(s.t, "a modal opened for "+user, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, x := range s.fake.Views() {
			if x.UserID == user && x.Op == "open" && !s.submitted[x.ID] {
				v = x
				return true
			}
		}
		return false
	})
	return v
}

// submit submits the next modal opened for user with values by input name.
func (s *slackRig) submit(user string, values map[string]map[string]any) []byte {
	s.t.Helper()
	v := s.modal(user)
	s.mu.Lock()
	s.submitted[v.ID] = true
	s.mu.Unlock()
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

// homeOpened opens user's App Home tab and waits for it to show every part.
func (s *slackRig) homeOpened(user string, parts ...string) {
	s.t.Helper()
	n := s.seq.Add(1)
	ev, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": slacktest.TeamID, "api_app_id": "A1",
		"event_id": fmt.Sprintf("Ev%010d", n), "event_time": time.Now().Unix(),
		"event": map[string]any{"type": "app_home_opened", "user": user, "channel": s.fake.OpenDM(user), "tab": "home",
			"event_ts": fmt.Sprintf("%d.%06d", time.Now().Unix(), n)}})
	if code, body := s.post("/slack/events", "application/json", ev); code != http.StatusOK {
		s.t.Fatalf("app_home_opened: %d %s", code, body)
	}
	var home []byte
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, h := range s.fake.HomeViews() {
			if h.UserID == user {
				home = h.JSON
			}
		}
		ok := home != nil
		for _, p := range parts {
			ok = ok && bytes.Contains(home, []byte(p))
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s's App Home lacks %q: %s", user, parts, home)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// plan is plan number n as stored now.
func (s *slackRig) plan(n int) *bot.Plan {
	s.t.Helper()
	p, err := s.a.db.PlanByNumber(context.Background(), e2eTenant, n)
	if err != nil {
		s.t.Fatalf("plan %d: %v", n, err)
	}
	return p
}

// auditSteps lists the actions of plan id's audit log, oldest first.
func (s *slackRig) auditSteps(id int64) []string {
	s.t.Helper()
	audit, err := s.a.db.Audit(context.Background(), e2eTenant, id)
	if err != nil {
		s.t.Fatal(err)
	}
	var steps []string
	for _, e := range audit {
		steps = append(steps, e.Action)
		if e.Platform != bot.PlatformSlack || e.ActorID == "" {
			s.t.Errorf("audit entry without its platform or actor: %+v", e)
		}
	}
	return steps
}

// findSlackButton finds the action_id and value of the button for an engine action.
func findSlackButton(t testing.TB, blocks json.RawMessage, action string) (string, string) {
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

// shownText is what a reader sees of a message: its top-level text and
// every text object of its blocks, buttons' labels included, but not the
// action ids and values they carry back.
func shownText(text string, blocks json.RawMessage) string {
	parts := []string{text}
	var tree any
	_ = json.Unmarshal(blocks, &tree)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				parts = append(parts, s)
			}
			for k, e := range x {
				if k != "text" || !isString(e) {
					walk(e)
				}
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(tree)
	return strings.Join(parts, "\n")
}

func isString(v any) bool { _, ok := v.(string); return ok }

func text(v string) map[string]any { return map[string]any{"type": "plain_text_input", "value": v} }

func selected(v string) map[string]any {
	return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}
}

// newPlanValues fills the new-plan modal for one's own plan: there is no
// manager input, the manager comes from the org chart.
func newPlanValues() map[string]map[string]any {
	return map[string]map[string]any{
		"employee":   {"type": "users_select", "selected_user": nil},
		"type":       selected("under_performer"),
		"gap_metric": text("季度销售额"), "gap_target": text("50万"), "gap_actual": text("35万"), "gap_unit": text("元"),
		"cause_dim":  selected("person"),
		"cause_text": text("客户跟进不及时"), "goal_metric": text("季度销售额"), "goal_baseline": text("35万"),
		"goal_target": text("50万"), "goal_unit": text("元"),
		"goal_deadline": {"type": "datepicker", "selected_date": "2027-01-31"},
		"action_what":   text("更新客户拜访记录"), "action_when": text("每周五 17:00"), "action_resources": text("CRM"),
		"end": {"type": "datepicker", "selected_date": nil},
	}
}

// writeFile writes content to name in a new temporary directory of t and
// returns its path.
func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// createFromModal runs "/pip new" as user, checks that the modal has no
// manager input, and submits it for the user's own plan.
func (s *slackRig) createFromModal(user string) *bot.Plan {
	s.t.Helper()
	s.slash(user, "new")
	if v := s.modal(user); bytes.Contains(v.JSON, []byte(`"block_id":"manager"`)) {
		s.t.Errorf("the new-plan modal still asks for a manager: %s", v.JSON)
	}
	s.submit(user, newPlanValues())
	var p *bot.Plan
	eventually(s.t, "the plan created from the modal", func() bool {
		plans, _ := s.a.db.ListPlans(context.Background(), e2eTenant, bot.PlanQuery{EmployeeID: user})
		if len(plans) > 0 {
			p = plans[0]
		}
		return p != nil
	})
	return p
}

// TestEndToEndSlack: the whole plan on Slack with authority from the org
// chart, through signed requests, the real adapter, the fake Web API and
// each SQL database. The employee's manager is the user in their "Manager"
// profile field (SLACK_MANAGER_FIELD), and the workspace's rule wants HR
// as a second approver. /pip new opens the modal (no manager input); the
// plan's manager is the field's user; the submitted plan's approval
// request reaches the manager, who never wrote to the bot, in his Slack
// language (English) with names and no raw ids; another user's Approve
// changes nothing; the manager's approval forwards it to HR, whose
// approval makes it approved; the employee acknowledges and posts the
// weekly update; the manager proposes "achieved" while the goal is short
// of its target; the promotion list stays empty until HR confirms from the
// outcome card, whose Confirm opens a modal for the written reason. The
// audit log holds each step in order.
func TestEndToEndSlack(t *testing.T) {
	eachSQLAtOnce(t, func(t testing.TB, dsn string) {
		ctx := context.Background()
		people := slackPeople()
		for i := range people {
			switch people[i].ID {
			case "UEMP":
				people[i].Fields = map[string]string{e2eManagerField: "UMGR"}
			case "UMGR":
				people[i].Locale = "en-US"
			}
		}
		// A second HR user, who takes no part: HR hears of every approved
		// and closed plan.
		people = append(people, slacktest.User{ID: "UHR2", Name: "zhou", RealName: "周HR", TZ: "Asia/Shanghai", Locale: "zh-CN"})
		rules := writeFile(t, "rules.yaml", "tenants:\n  \""+e2eTenant+"\": {approval: manager+hr}\n")
		s := startSlack(t, dsn, slackSetup{users: people, env: map[string]string{
			"SLACK_MANAGER_FIELD": e2eManagerField, "PIPBOT_RULES": rules, "PIPBOT_HR": "slack:UHR,slack:UHR2"}})

		p := s.createFromModal("UEMP")
		if p.Number != 1 || p.EmployeeID != "UEMP" || p.ManagerID != "UMGR" || p.CreatedBy != "UEMP" || len(p.Problems) != 1 || p.Problems[0].Gap.Target != 500000 {
			t.Fatalf("plan = %+v", p)
		}

		// Submitting routes the plan to the manager in the profile field.
		sent := len(s.fake.Messages())
		s.slash("UEMP", "submit 1")
		mgrDM := s.fake.OpenDM("UMGR")
		approval := s.awaitMessage(mgrDM, sent, "plan.approve")
		if p := s.plan(1); p.Status != bot.StatusSubmitted || p.Stage != bot.StageManager || p.ApproverID != "UMGR" {
			t.Fatalf("submitted plan: status %s stage %q approver %q", p.Status, p.Stage, p.ApproverID)
		}
		// The manager reads it in English, his Slack language, with names.
		shown := shownText(approval.Text, approval.Blocks)
		if !strings.Contains(shown, "张三's improvement plan was submitted by 张三 for your approval") {
			t.Errorf("the approval request is not in the manager's English with names:\n%s", shown)
		}
		for _, raw := range []string{"UEMP", "UMGR"} {
			if strings.Contains(shown, raw) {
				t.Errorf("the approval request shows the raw id %s:\n%s", raw, shown)
			}
		}

		// Another user pressing the same Approve (its action and value, sent
		// from their own DM) changes nothing: who may approve is decided by
		// who clicked, and the refusal goes to them alone.
		before := len(s.auditSteps(p.ID))
		sent = len(s.fake.Messages())
		eveDM := s.fake.OpenDM("UEVE")
		s.click("UEVE", eveDM, approval.TS, approval.Blocks, "plan.approve") // answered once the engine has decided
		if p := s.plan(1); p.Status != bot.StatusSubmitted || p.Stage != bot.StageManager || p.ApprovedBy != "" {
			t.Fatalf("another user's click moved the plan: status %s stage %q approved by %q", p.Status, p.Stage, p.ApprovedBy)
		}
		if after := len(s.auditSteps(p.ID)); after != before {
			t.Fatalf("another user's click was audited as a step: %d entries, want %d", after, before)
		}
		s.awaitMessage(eveDM, sent, "no plan #1 that you can see")

		// The manager approves: the plan goes on to HR, still submitted, and
		// his DM message is updated without its buttons.
		sent = len(s.fake.Messages())
		s.click("UMGR", mgrDM, approval.TS, approval.Blocks, "plan.approve")
		eventually(t, "the plan forwarded to HR", func() bool {
			p := s.plan(1)
			return p.Status == bot.StatusSubmitted && p.Stage == bot.StageHR && p.ApprovedBy == "UMGR"
		})
		eventually(t, "the approval message updated without Approve", func() bool {
			cur, ok := s.fake.Current(mgrDM, approval.TS)
			return ok && !bytes.Contains(cur.Blocks, []byte(`pip:plan.approve`))
		})

		// HR approves from the card in their DM.
		hrDM := s.fake.OpenDM("UHR")
		hrCard := s.awaitMessage(hrDM, sent, "plan.approve", "张三")
		s.awaitMessage(s.fake.OpenDM("UHR2"), sent, "plan.approve", "张三") // every HR user is asked
		// The card says who submitted the plan: the employee did; the
		// manager approved it.
		if shown := shownText(hrCard.Text, hrCard.Blocks); strings.Contains(shown, "由 王经理 提交") {
			t.Errorf("HR's approval request says the manager submitted the plan:\n%s", shown)
		}
		sent = len(s.fake.Messages())
		s.click("UHR", hrDM, hrCard.TS, hrCard.Blocks, "plan.approve")
		eventually(t, "the plan approved by HR", func() bool {
			p := s.plan(1)
			return p.Status == bot.StatusApproved && p.HRApprovedBy == "UHR"
		})

		// The other HR user is told it was approved.
		hr2DM := s.fake.OpenDM("UHR2")
		s.awaitMessage(hr2DM, sent, "计划 #1（张三）已由 林HR 批准")

		// The employee acknowledges from the card sent to them.
		empDM := s.fake.OpenDM("UEMP")
		ackMsg := s.awaitMessage(empDM, sent, "plan.ack")
		s.click("UEMP", empDM, ackMsg.TS, ackMsg.Blocks, "plan.ack")
		eventually(t, "the plan active after the acknowledgment", func() bool {
			return s.plan(1).Status == bot.StatusActive
		})

		// The weekly update through the modal: 42万 of the 50万 target.
		var acked slacktest.Message
		eventually(t, "the acknowledged message offering the weekly update", func() bool {
			acked, _ = s.fake.Current(empDM, ackMsg.TS)
			return bytes.Contains(acked.Blocks, []byte("pip:plan.update:"))
		})
		s.click("UEMP", empDM, ackMsg.TS, acked.Blocks, "plan.update")
		s.submit("UEMP", map[string]map[string]any{"goal_1": text("42万"), "text": text("本周拜访8家客户")})
		var ups []bot.Update
		eventually(t, "the weekly update recorded", func() bool {
			ups, _ = s.a.db.Updates(ctx, e2eTenant, p.ID)
			return len(ups) == 1
		})
		if ups[0].Values[0].Value != 420000 {
			t.Fatalf("updates = %+v", ups)
		}

		// The manager opens the App Home and sees his team, in English.
		s.homeOpened("UMGR", "Team overview", "张三")

		// The manager proposes "achieved" while the goal is below target:
		// only a proposal, sent to HR as a card.
		sent = len(s.fake.Messages())
		s.slash("UMGR", "close 1 achieved key accounts signed, weekly reviews worked")
		outcome := s.awaitMessage(hrDM, sent, "outcome.confirm", "张三")
		if p := s.plan(1); p.Status != bot.StatusActive || p.Pending == nil || !p.Pending.BelowTarget || p.Pending.ProposedBy != "UMGR" {
			t.Fatalf("after the proposal: status %s pending %+v", p.Status, p.Pending)
		}
		sent = len(s.fake.Messages())
		s.slash("UHR", "promotions")
		if m := s.awaitMessage(hrDM, sent, "晋升候选名单"); bytes.Contains(m.Blocks, []byte("张三")) {
			t.Fatalf("a proposed, unconfirmed outcome put the employee on the promotion list: %s", m.Blocks)
		}

		// HR confirms from the card: a modal asks for the written reason.
		s.click("UHR", hrDM, outcome.TS, outcome.Blocks, "outcome.confirm")
		if v := s.modal("UHR"); !bytes.Contains(v.JSON, []byte(`"block_id":"reason"`)) {
			t.Fatalf("confirming an achievement below target opened no reason form: %s", v.JSON)
		}
		if p := s.plan(1); p.Status != bot.StatusActive || p.Pending == nil {
			t.Fatalf("the click that opens the reason form decided the outcome: status %s", p.Status)
		}
		sent = len(s.fake.Messages())
		s.submit("UHR", map[string]map[string]any{"reason": text("大客户合同已签，本季度实际贡献达标")})
		eventually(t, "the plan closed as achieved", func() bool {
			p := s.plan(1)
			return p.Status == bot.StatusClosed && p.Outcome == bot.OutcomeAchieved && p.Pending == nil
		})
		s.slash("UHR", "promotions")
		s.awaitMessage(hrDM, sent, "晋升候选名单", "张三")
		// The other HR user is told the employee achieved the plan.
		s.awaitMessage(hr2DM, sent, "张三 已达成改进目标")
		for _, m := range s.fake.Messages() {
			if shown := shownText(m.Text, m.Blocks); strings.Contains(shown, "%!") {
				t.Errorf("a message in %s was formatted with the wrong arguments:\n%s", m.Channel, shown)
			}
		}

		got := strings.Join(s.auditSteps(p.ID), " ")
		want := "plan.create plan.submit plan.forward plan.approve plan.acknowledge plan.update outcome.propose outcome.confirm plan.close"
		if got != want {
			t.Errorf("audit:\n got %s\nwant %s", got, want)
		}
	})
}

// TestEndToEndSlackOrgFile: without a manager field, the org file
// (PIPBOT_ORG) names the employee's manager: the plan created from the
// modal has that manager and the approval request goes to him; a peer
// cannot start a plan for the employee, and nothing is created.
func TestEndToEndSlackOrgFile(t *testing.T) {
	eachSQLAtOnce(t, func(t testing.TB, dsn string) {
		ctx := context.Background()
		org := writeFile(t, "org.csv", "employee,manager,department,hr\n"+
			"slack:UMGR,,Sales,no\nslack:UEMP,slack:UMGR,Sales,no\nslack:UEVE,,Marketing,no\n")
		s := startSlack(t, dsn, slackSetup{env: map[string]string{"PIPBOT_ORG": org}})

		p := s.createFromModal("UEMP")
		if p.EmployeeID != "UEMP" || p.ManagerID != "UMGR" {
			t.Fatalf("plan = %+v", p)
		}
		sent := len(s.fake.Messages())
		s.slash("UEMP", "submit 1")
		mgrDM := s.fake.OpenDM("UMGR")
		approval := s.awaitMessage(mgrDM, sent, "plan.approve", "张三")
		if p := s.plan(1); p.Status != bot.StatusSubmitted || p.ApproverID != "UMGR" {
			t.Fatalf("submitted plan: status %s approver %q", p.Status, p.ApproverID)
		}
		s.click("UMGR", mgrDM, approval.TS, approval.Blocks, "plan.approve")
		eventually(t, "the plan approved by the org file's manager", func() bool {
			p := s.plan(1)
			return p.Status == bot.StatusApproved && p.ApprovedBy == "UMGR"
		})

		// A peer may not start a plan for the employee.
		sent = len(s.fake.Messages())
		s.slash("UEVE", "new <@UEMP|zhangsan>")
		refusal := s.awaitMessage(s.fake.OpenDM("UEVE"), sent, "张三")
		if shown := shownText(refusal.Text, refusal.Blocks); !strings.Contains(shown, "can't start a plan for 张三") {
			t.Errorf("the peer's refusal: %s", shown)
		}
		plans, err := s.a.db.ListPlans(ctx, e2eTenant, bot.PlanQuery{})
		if err != nil || len(plans) != 1 {
			t.Fatalf("plans after the peer's attempt: %d (%v), want 1", len(plans), err)
		}
		if _, err := s.a.db.PlanByNumber(ctx, e2eTenant, 2); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("plan 2: %v, want none", err)
		}
	})
}

// TestSlackSlowDirectoryAtFirstContact: the employee's very first command
// arrives while Slack's users.info is slow (its answer is lost; the
// adapter gives up on the lookup after 700 ms and hands the engine the
// bare user id, as it must not drop the event). Once Slack answers again,
// the plan created next must still get the manager from the profile field
// and show the employee's name: a lookup that failed is not a profile.
func TestSlackSlowDirectoryAtFirstContact(t *testing.T) {
	people := slackPeople()
	people[0].Fields = map[string]string{e2eManagerField: "UMGR"} // UEMP
	s := startSlack(t, storagetest.SQLite(t), slackSetup{users: people, env: map[string]string{
		"SLACK_MANAGER_FIELD": e2eManagerField, "PIPBOT_HR": "slack:UHR"}})
	s.fake.LoseNextResponses("users.info", 1) // the first lookup: the employee's, at "/pip new"

	p := s.createFromModal("UEMP")
	if p.ManagerID != "UMGR" {
		t.Errorf("after a slow first lookup the plan's manager is %q, want UMGR from the profile field", p.ManagerID)
	}
	empDM := s.fake.OpenDM("UEMP")
	card := s.awaitMessage(empDM, 0, "plan.submit")
	if shown := shownText(card.Text, card.Blocks); strings.Contains(shown, "UEMP") || !strings.Contains(shown, "张三") {
		t.Errorf("after a slow first lookup the employee's plan shows the raw id, not the name:\n%s", shown)
	}
}

// eachSQLAtOnce is storagetest.EachSQL with the databases run at the same
// time: each gets a fresh database from storagetest (SQLite always,
// PostgreSQL and MySQL/MariaDB when their variables are set), and fn runs
// on all of them at once. A Slack walk spends most of its time waiting out
// the adapter's own pace (under one post a second in each DM), not working,
// and go test runs at most GOMAXPROCS parallel tests, two on a CI machine.
// fn's t reports failures with the database's name; its Fatal ends fn on
// that database only.
func eachSQLAtOnce(t *testing.T, fn func(t testing.TB, dsn string)) {
	t.Helper()
	var wg sync.WaitGroup
	for _, db := range sqlBackends(t) {
		dsn := db.dsn(t)
		wg.Go(func() { fn(&goT{TB: t, name: db.name}, dsn) })
	}
	wg.Wait()
}

// sqlBackend is a database a suite runs on, and how to get a fresh one.
type sqlBackend struct {
	name string
	dsn  func(testing.TB) string
}

// sqlBackends are SQLite, and PostgreSQL and MySQL/MariaDB when their
// variables name a server (the others are logged as skipped).
func sqlBackends(t testing.TB) []sqlBackend {
	var dbs []sqlBackend
	for _, db := range []struct {
		sqlBackend
		env string
	}{{sqlBackend{"sqlite", storagetest.SQLite}, ""}, {sqlBackend{"postgres", storagetest.Postgres}, storagetest.EnvPostgres},
		{sqlBackend{"mysql", storagetest.MySQL}, storagetest.EnvMySQL}} {
		if db.env != "" && os.Getenv(db.env) == "" {
			t.Logf("%s: skipped, %s is not set", db.name, db.env)
			continue
		}
		dbs = append(dbs, db.sqlBackend)
	}
	return dbs
}

// goT is the test's T for a goroutine of its own: messages carry name,
// and Fatal, FailNow and Skip end that goroutine (the test goes on and
// fails) rather than the test, which only the test's goroutine may end.
type goT struct {
	testing.TB
	name string
}

func (g *goT) Errorf(format string, args ...any) {
	g.TB.Helper()
	g.TB.Errorf("%s: %s", g.name, fmt.Sprintf(format, args...))
}

func (g *goT) Error(args ...any) {
	g.TB.Helper()
	g.TB.Errorf("%s: %s", g.name, fmt.Sprint(args...))
}

func (g *goT) Fatalf(format string, args ...any) {
	g.TB.Helper()
	g.Errorf(format, args...)
	runtime.Goexit()
}

func (g *goT) Fatal(args ...any) {
	g.TB.Helper()
	g.Error(args...)
	runtime.Goexit()
}

func (g *goT) FailNow() { g.TB.Fail(); runtime.Goexit() }

func (g *goT) Logf(format string, args ...any) {
	g.TB.Helper()
	g.TB.Logf("%s: %s", g.name, fmt.Sprintf(format, args...))
}

func (g *goT) Skipf(format string, args ...any) {
	g.TB.Helper()
	g.Errorf("cannot skip a part of a test: "+format, args...)
	runtime.Goexit()
}

func (g *goT) Skip(args ...any) { g.TB.Helper(); g.Skipf("%s", fmt.Sprint(args...)) }

func (g *goT) SkipNow() { g.TB.Helper(); g.Skipf("SkipNow") }

// testLog discards logs unless PIPBOT_TEST_LOG is set.
func testLog(t testing.TB) *slog.Logger {
	if os.Getenv("PIPBOT_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// eventually waits up to 10 s for cond, failing with what was awaited.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
