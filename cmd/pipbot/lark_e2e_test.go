package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// The Feishu tests run pipbot as serve does (the real adapter behind HTTP,
// its workers, the sender) against the fake Open API, on a real database.
// Everything reaches it as Feishu sends it: events and card callbacks
// encrypted with the Encrypt Key and signed, messages with their mentions
// as @_user_N placeholders, clicks with the operator the platform vouches
// for and a delayed-update token the fake issued.

const (
	e2eTenantKey = "tk_e2e"
	e2eToken     = "vt-e2e"
	e2eKey       = "ek-e2e-0123456789"
)

// The organisation, as Feishu's contact API knows it: 赵总监 leads 王经理,
// who leads 张三 and 李四; the mentor and the outsider sit elsewhere; two
// people are HR by PIPBOT_HR.
const (
	ouDir    = "ou_dir"
	ouMgr    = "ou_mgr"
	ouEmp    = "ou_emp"
	ouPeer   = "ou_peer" // 李四: 张三's peer, also 王经理's report
	ouMentor = "ou_mentor"
	ouOut    = "ou_out"
	ouHR     = "ou_hr"
	ouHR2    = "ou_hr2"
)

var feishuPeople = []larktest.User{
	{OpenID: ouDir, Name: "赵总监", TimeZone: "Asia/Shanghai"},
	{OpenID: ouMgr, Name: "王经理", LeaderOpenID: ouDir, TimeZone: "Asia/Shanghai"},
	{OpenID: ouEmp, Name: "张三", LeaderOpenID: ouMgr, TimeZone: "Asia/Shanghai"},
	{OpenID: ouPeer, Name: "李四", LeaderOpenID: ouMgr, TimeZone: "Asia/Shanghai"},
	{OpenID: ouMentor, Name: "周导师", LeaderOpenID: ouDir, TimeZone: "Asia/Shanghai"},
	{OpenID: ouOut, Name: "钱外人", TimeZone: "Asia/Shanghai"},
	{OpenID: ouHR, Name: "林HR", TimeZone: "Asia/Shanghai"},
	{OpenID: ouHR2, Name: "吴HR", TimeZone: "Asia/Shanghai"},
}

// feishuStart is the engine's clock: Monday of 2026-W47, 09:00 in Shanghai,
// so dates, ISO weeks and the weekly Friday are the same whenever the tests
// run. The adapter and the fake keep real time (signatures, tokens).
var feishuStart = time.Date(2026, 11, 16, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// feishu is pipbot serving Feishu callbacks over HTTP, talking to a fake
// Open API, on a real database.
type feishu struct {
	t      testing.TB
	a      *app
	cfg    config.Config
	fake   *larktest.Server
	url    string
	seq    atomic.Int64
	tenant string
	names  map[string]string // open_id → name, as the contact API has it
	stop   func()            // ends the process; the test's end does too
}

// feishuOption changes the configuration before the app starts.
type feishuOption func(t testing.TB, cfg *config.Config)

// withTenantRules gives the test tenant rules (PIPBOT_RULES), as YAML lines
// under its key, e.g. "approval: manager+hr".
func withTenantRules(rules string) feishuOption {
	return func(t testing.TB, cfg *config.Config) {
		path := filepath.Join(t.TempDir(), "rules.yaml")
		body := fmt.Sprintf("tenants:\n  %q:\n    %s\n", "lark:"+e2eTenantKey, rules)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg.Rules = path
	}
}

func startFeishu(t *testing.T, dsn string, opts ...feishuOption) *feishu {
	t.Helper()
	return startFeishuProc(t, dsn, nil, procOpts{}, opts...)
}

// startFeishuProc starts a pipbot process on dsn against fake (a new one
// when nil, shared with other processes otherwise); f.stop ends it, as the
// test's end does.
func startFeishuProc(t testing.TB, dsn string, fake *larktest.Server, proc procOpts, opts ...feishuOption) *feishu {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if fake == nil {
		fake = larktest.NewServer(t, larktest.WithUsers(feishuPeople...))
	}
	now := proc.now()
	names := map[string]string{larktest.BotOpenID: larktest.BotName}
	for _, u := range feishuPeople {
		names[u.OpenID] = u.Name
		fake.SetChat(dm(u.OpenID), "p2p")
	}
	cfg := config.Default()
	cfg.DB = dsn
	cfg.HR = []string{"lark:" + ouHR, "lark:" + ouHR2}
	cfg.Lark = config.LarkConfig{AppID: larktest.AppID, AppSecret: larktest.AppSecret, VerificationToken: e2eToken,
		EncryptKey: e2eKey, Domain: fake.URL, Mode: "webhook"}
	for _, o := range opts {
		o(t, &cfg)
	}
	appOpts := append([]appOption{withClock(func() time.Time { return feishuStart })}, proc.app...)
	a, err := newApp(ctx, cfg, testLog(t), appOpts...)
	if err != nil {
		t.Fatal(err)
	}
	if a.lark, err = a.newLark(ctx, now); err != nil {
		t.Fatal(err)
	}
	url, stop := serveApp(t, ctx, cancel, a, now)
	return &feishu{t: t, a: a, cfg: cfg, fake: fake, url: url,
		tenant: "lark:" + e2eTenantKey, names: names, stop: stop}
}

// env is the environment of another pipbot process on the same database,
// Feishu app and fake Open API (say, `pipbot jobs run`).
func (f *feishu) env() map[string]string {
	c := f.cfg
	return map[string]string{"PIPBOT_DB": c.DB, "PIPBOT_HR": strings.Join(c.HR, ","), "PIPBOT_TZ": c.TZ,
		"PIPBOT_RULES": c.Rules, "LARK_APP_ID": c.Lark.AppID, "LARK_APP_SECRET": c.Lark.AppSecret.Reveal(),
		"LARK_VERIFICATION_TOKEN": c.Lark.VerificationToken.Reveal(), "LARK_ENCRYPT_KEY": c.Lark.EncryptKey.Reveal(),
		"LARK_DOMAIN": c.Lark.Domain, "LARK_MODE": c.Lark.Mode}
}

// dm is the chat id of someone's one-to-one chat with the bot: the one the
// fake files messages sent to their open_id under.
func dm(openID string) string { return "oc_p2p_" + strings.TrimPrefix(openID, "ou_") }

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

// mentionRef is how tests write a mention: <@open_id>.
var mentionRef = regexp.MustCompile(`<@(ou_[A-Za-z0-9_]+)>`)

// message is an im.message.receive_v1 event as Feishu sends it: every
// mention in the text ("<@ou_x>" here) becomes a @_user_N placeholder,
// numbered in order, with an entry in mentions carrying the person's ids
// and name.
func (f *feishu) message(chatID, chatType, from, text string) map[string]any {
	var mentions []map[string]any
	keys := map[string]string{}
	text = mentionRef.ReplaceAllStringFunc(text, func(m string) string {
		id := mentionRef.FindStringSubmatch(m)[1]
		if k, ok := keys[id]; ok {
			return k
		}
		k := fmt.Sprintf("@_user_%d", len(keys)+1)
		keys[id] = k
		mentions = append(mentions, map[string]any{"key": k, "name": f.names[id], "tenant_key": e2eTenantKey,
			"id": map[string]any{"open_id": id, "union_id": "on_" + strings.TrimPrefix(id, "ou_")}})
		return k
	})
	content, _ := json.Marshal(map[string]string{"text": text})
	msg := map[string]any{"message_id": fmt.Sprintf("om_user%06d", f.seq.Add(1)), "root_id": "", "parent_id": "",
		"create_time": strconv.FormatInt(time.Now().UnixMilli(), 10), "chat_id": chatID, "chat_type": chatType,
		"message_type": "text", "content": string(content)}
	if len(mentions) > 0 {
		msg["mentions"] = mentions
	}
	return map[string]any{
		"sender": map[string]any{"sender_type": "user", "tenant_key": e2eTenantKey,
			"sender_id": map[string]any{"open_id": from, "union_id": "on_" + strings.TrimPrefix(from, "ou_")}},
		"message": msg,
	}
}

// send delivers a message event and checks it was acknowledged.
func (f *feishu) send(chatID, chatType, from, text string) {
	f.t.Helper()
	if code, body := f.post("/lark/events", "im.message.receive_v1", f.message(chatID, chatType, from, text)); code != http.StatusOK {
		f.t.Fatalf("message %q: %d %s", text, code, body)
	}
}

// say types text in from's one-to-one chat with the bot.
func (f *feishu) say(from, text string) { f.t.Helper(); f.send(dm(from), "p2p", from, text) }

// sayInGroup types text in a group, mentioning the bot first, as one must
// for Feishu to deliver it.
func (f *feishu) sayInGroup(chatID, from, text string) {
	f.t.Helper()
	f.send(chatID, "group", from, "<@"+larktest.BotOpenID+"> "+text)
}

// ask types text in from's one-to-one chat and waits for the bot's first
// answer there, so the next step starts after this one was handled.
func (f *feishu) ask(from, text string, parts ...string) larktest.Message {
	f.t.Helper()
	sent := len(f.fake.Messages())
	f.say(from, text)
	return f.awaitDM(from, sent, parts...)
}

// click presses a card button (or submits a form with its values) on
// message m as openID, with a delayed-update token the platform issued, and
// returns the callback's answer.
func (f *feishu) click(openID string, m larktest.Message, value, form map[string]any) map[string]any {
	f.t.Helper()
	ev := larktest.CardAction(openID, e2eTenantKey, m.ID, m.ChatID, value, form)
	ev["token"] = f.fake.CardToken(m.ID)
	code, body := f.post("/lark/cards", "card.action.trigger", ev)
	if code != http.StatusOK {
		f.t.Fatalf("click: %d %s", code, body)
	}
	var resp map[string]any
	if err := json.Unmarshal(body, &resp); err != nil {
		f.t.Fatalf("click answer %s: %v", body, err)
	}
	return resp
}

// oneToOne reports whether m went to user alone: to their open_id, or to
// their one-to-one chat.
func oneToOne(m larktest.Message, user string) bool {
	return m.ReceiveIDType == "open_id" && m.ReceiveID == user || m.ReceiveIDType == "chat_id" && m.ReceiveID == dm(user)
}

// awaitDM waits for a message to user alone, among those sent after the
// first after, whose content mentions every part.
func (f *feishu) awaitDM(user string, after int, parts ...string) larktest.Message {
	f.t.Helper()
	return f.awaitWhere(fmt.Sprintf("a message to %s with %q", user, parts), after, func(m larktest.Message) bool {
		return oneToOne(m, user) && containsAll(content(m), parts...)
	})
}

// awaitChat waits for a message to chat (by chat_id) mentioning every part.
func (f *feishu) awaitChat(chatID string, after int, parts ...string) larktest.Message {
	f.t.Helper()
	return f.awaitWhere(fmt.Sprintf("a message to chat %s with %q", chatID, parts), after, func(m larktest.Message) bool {
		return m.ReceiveIDType == "chat_id" && m.ReceiveID == chatID && containsAll(content(m), parts...)
	})
}

func (f *feishu) awaitWhere(what string, after int, ok func(larktest.Message) bool) larktest.Message {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		msgs := f.fake.Messages()
		for _, m := range msgs[min(after, len(msgs)):] {
			if ok(m) {
				return m
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.t.Fatalf("timed out waiting for %s; %d messages sent", what, len(f.fake.Messages()))
	return larktest.Message{}
}

// quiet waits until the bot has sent nothing for half a second, so that
// what the last command caused has all arrived.
func (f *feishu) quiet() {
	f.t.Helper()
	quietFor(f.t, 500*time.Millisecond, func() int { return len(f.fake.Messages()) })
}

// content is everything a message shows or carries: its card JSON, or its text.
func content(m larktest.Message) string {
	if m.Card == nil {
		return m.Text
	}
	raw, _ := json.Marshal(m.Card)
	return string(raw)
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// answerCard is the replacement card a callback answer carries, or nil.
func answerCard(resp map[string]any) map[string]any {
	c, _ := resp["card"].(map[string]any)
	if c == nil || c["type"] != "raw" {
		return nil
	}
	data, _ := c["data"].(map[string]any)
	return data
}

// toastOf is the kind and text of the toast in a callback answer.
func toastOf(resp map[string]any) (kind, text string) {
	t, _ := resp["toast"].(map[string]any)
	kind, _ = t["type"].(string)
	text, _ = t["content"].(string)
	return kind, text
}

// forwardable reports whether a card may be forwarded: Feishu's default,
// unless config.enable_forward is false.
func forwardable(card map[string]any) bool {
	cfg, _ := card["config"].(map[string]any)
	v, set := cfg["enable_forward"]
	return !set || v != false
}

// buttonValue finds the callback value of the button for action in a card
// (a form's submit button carries form "1").
func buttonValue(t testing.TB, c map[string]any, action string) map[string]any {
	t.Helper()
	if v := findButton(c, action); v != nil {
		return v
	}
	raw, _ := json.Marshal(c)
	t.Fatalf("no %s button in the card %s", action, raw)
	return nil
}

// findButton is buttonValue without failing: nil when there is none.
func findButton(c map[string]any, action string) map[string]any {
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
	return found
}

// hasInput reports whether a card holds a form input named name.
func hasInput(c map[string]any, name string) bool {
	raw, _ := json.Marshal(c)
	return strings.Contains(string(raw), `"name":"`+name+`"`) && strings.Contains(string(raw), `"tag":"input"`)
}

// plan loads a plan by number, failing the test if it is not there.
func (f *feishu) plan(number int) *bot.Plan {
	f.t.Helper()
	p, err := f.a.db.PlanByNumber(context.Background(), f.tenant, number)
	if err != nil {
		f.t.Fatalf("plan #%d: %v", number, err)
	}
	return p
}

// waitPlan waits until plan number satisfies cond (a click's effect may
// land just after its answer) and returns it.
func (f *feishu) waitPlan(number int, what string, cond func(*bot.Plan) bool) *bot.Plan {
	f.t.Helper()
	var p *bot.Plan
	deadline := time.Now().Add(10 * time.Second)
	for p = f.plan(number); !cond(p); p = f.plan(number) {
		if time.Now().After(deadline) {
			f.t.Fatalf("plan #%d never %s: status %s stage %s", number, what, p.Status, p.Stage)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return p
}

// planCount is how many plans the tenant has.
func (f *feishu) planCount() int {
	f.t.Helper()
	ps, err := f.a.db.ListPlans(context.Background(), f.tenant, bot.PlanQuery{})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(ps)
}

// planForm are the values of the one-form creation, as Feishu posts them:
// form inputs by name, a person picker's open_id, a date picker's date with
// the reader's offset.
type planForm struct {
	employee                 string // open_id, "" for one's own plan
	metric, baseline, target string // the gap and the goal share them
	unit, cause, action      string
}

// draft creates a plan from the one-form creation card as drafter and
// returns it.
func (f *feishu) draft(drafter string, v planForm) *bot.Plan {
	f.t.Helper()
	before := f.planCount()
	formMsg := f.ask(drafter, "新建 表单", "plan.create")
	values := map[string]any{"type": "under_performer",
		"gap_metric": v.metric, "gap_target": v.target, "gap_actual": v.baseline, "gap_unit": v.unit,
		"cause_dim": "person", "cause_text": v.cause,
		"goal_metric": v.metric, "goal_baseline": v.baseline, "goal_target": v.target, "goal_unit": v.unit,
		"goal_deadline": "2027-01-08 +0800",
		"action_what":   v.action, "action_when": "每周五 17:00", "action_resources": "CRM"} // no end date picked
	if v.employee != "" {
		values["employee"] = v.employee
	}
	resp := f.click(drafter, formMsg, buttonValue(f.t, formMsg.Card, "plan.create"), values)
	deadline := time.Now().Add(10 * time.Second)
	for f.planCount() == before {
		if time.Now().After(deadline) {
			f.t.Fatalf("no plan after the creation form (answer %v)", resp)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return f.plan(before + 1)
}

// runningPlan drafts employee's own plan, has them submit it, their
// manager approve it and them acknowledge it, all typed one-to-one, on a
// tenant whose manager approves alone; it returns the active plan.
func (f *feishu) runningPlan(employee string, v planForm) *bot.Plan {
	f.t.Helper()
	p := f.draft(employee, v)
	n := strconv.Itoa(p.Number)
	f.ask(employee, "提交 "+n, "计划 #"+n+" 已提交给 "+f.names[p.ManagerID])
	f.ask(p.ManagerID, "批准 "+n, "已批准计划 #"+n)
	f.ask(employee, "确认 "+n, "你已确认计划 #"+n)
	return f.waitPlan(p.Number, "active", func(p *bot.Plan) bool { return p.Status == bot.StatusActive })
}

// skipPlanNumbers gives the tenant n finished plans of someone long gone,
// so that the plans a test starts next have numbers (n+1…) that show up
// nowhere else by chance: the help card's examples say 12, counts say 0 and 1.
func (f *feishu) skipPlanNumbers(n int) {
	f.t.Helper()
	ctx := context.Background()
	at := feishuStart.AddDate(-1, 0, 0)
	for range n {
		p := &bot.Plan{Tenant: f.tenant, Platform: bot.PlatformLark, EmployeeID: "ou_gone", ManagerID: "ou_gone_mgr",
			CreatedBy: "ou_gone_mgr", EmployeeType: bot.TypeUnderPerformer, Status: bot.StatusClosed, Cycle: 1,
			Start: at, End: at.AddDate(0, 2, 0), Outcome: bot.OutcomeNotAchieved, ClosedAt: at.AddDate(0, 2, 0),
			CreatedAt: at, UpdatedAt: at}
		if err := f.a.db.CreatePlan(ctx, p); err != nil {
			f.t.Fatal(err)
		}
	}
}

// auditSteps lists a plan's audit trail as "action/role/actor" lines.
func (f *feishu) auditSteps(planID int64) []string {
	f.t.Helper()
	audit, err := f.a.db.Audit(context.Background(), f.tenant, planID)
	if err != nil {
		f.t.Fatal(err)
	}
	var steps []string
	for _, e := range audit {
		if e.Platform != bot.PlatformLark {
			f.t.Errorf("audit entry %s from %q, want lark", e.Action, e.Platform)
		}
		steps = append(steps, e.Action+"/"+string(e.Role)+"/"+e.ActorID)
	}
	return steps
}

// TestEndToEndFeishu walks plans through the authority of the org chart,
// every step a signed, encrypted Feishu event or card callback:
//   - a peer's "新建 @同事" is refused and creates nothing;
//   - the employee drafts their own plan from the form: the manager is the
//     directory's leader_user_id, whoever drafts;
//   - the tenant wants manager+hr: the manager approves from the card
//     (someone else's click on it changes nothing), HR approves second (the
//     other HR user's copy of the card is stale then) and that other HR
//     user is told, the employee acknowledges from the card and posts the
//     weekly update through the card form;
//   - a plan the manager drafts for a report goes to the manager's own
//     leader, and the drafter can approve it neither by command nor by
//     clicking the approval card;
//   - the manager proposes 达成 with the goal short of its target; it is
//     nothing until HR confirms: the button answers with a form asking for
//     the reason, an empty reason is refused, a written one closes the plan
//     and puts 张三 on 晋升名单;
//   - the audit trail holds every step in order, by whom and in what role.
func TestEndToEndFeishu(t *testing.T) {
	t.Parallel()
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		t.Parallel()
		f := startFeishu(t, dsn, withTenantRules("approval: manager+hr"))
		ctx := context.Background()

		// 李四 is 张三's peer: no plan for 张三 from him.
		f.ask(ouPeer, "新建 <@"+ouEmp+">", "你不能为 张三 创建改进计划")
		if n := f.planCount(); n != 0 {
			t.Fatalf("the peer's 新建 created %d plans", n)
		}

		// 张三 drafts his own plan; the manager comes from the directory.
		p := f.draft(ouEmp, planForm{metric: "季度销售额", baseline: "61万", target: "73万", unit: "元",
			cause: "客户跟进不及时", action: "更新客户拜访记录"})
		if p.Number != 1 || p.EmployeeID != ouEmp || p.CreatedBy != ouEmp || p.ManagerID != ouMgr || p.Goals[0].Target != 730000 {
			t.Fatalf("plan = %+v", p)
		}

		// Submitted, it goes to 王经理 for approval.
		sent := len(f.fake.Messages())
		f.ask(ouEmp, "提交 1", "计划 #1 已提交给 王经理")
		approval := f.awaitDM(ouMgr, sent, "plan.approve")
		if p := f.plan(1); p.Status != bot.StatusSubmitted || p.Stage != bot.StageManager || p.ApproverID != ouMgr {
			t.Fatalf("after submitting: status %s stage %s approver %s", p.Status, p.Stage, p.ApproverID)
		}
		approve := buttonValue(t, approval.Card, "plan.approve")

		// Someone else pressing Approve is refused by who they are, whatever the button says.
		if kind, _ := toastOf(f.click(ouOut, approval, approve, nil)); kind != "error" {
			t.Errorf("another user's click was answered with a %q toast, want error", kind)
		}
		if p := f.plan(1); p.Status != bot.StatusSubmitted || p.ApprovedBy != "" {
			t.Fatalf("another user's click moved the plan to %s (approved by %q)", p.Status, p.ApprovedBy)
		}

		// The manager approves from the card; the tenant wants HR too, so it
		// goes on to HR and the card is replaced without its buttons.
		sent = len(f.fake.Messages())
		resp := f.click(ouMgr, approval, approve, nil)
		replaced := answerCard(resp)
		if replaced == nil || findButton(replaced, "plan.approve") != nil || forwardable(replaced) {
			t.Fatalf("approval answer: %v", resp)
		}
		hrApproval := f.awaitDM(ouHR, sent, "plan.approve", "张三")
		hr2Approval := f.awaitDM(ouHR2, sent, "plan.approve", "张三")
		if p := f.plan(1); p.Status != bot.StatusSubmitted || p.Stage != bot.StageHR || p.ApprovedBy != ouMgr {
			t.Fatalf("after the manager: status %s stage %s approved by %s", p.Status, p.Stage, p.ApprovedBy)
		}

		// 林HR approves second; 吴HR hears of it; 张三 gets the card to acknowledge.
		sent = len(f.fake.Messages())
		f.click(ouHR, hrApproval, buttonValue(t, hrApproval.Card, "plan.approve"), nil)
		ackMsg := f.awaitDM(ouEmp, sent, "plan.ack")
		f.awaitDM(ouHR2, sent, "计划 #1（张三）已由 林HR 批准")
		if p := f.plan(1); p.Status != bot.StatusApproved || p.HRApprovedBy != ouHR {
			t.Fatalf("after HR: status %s, HR approval by %q", p.Status, p.HRApprovedBy)
		}
		// 吴HR's copy of the HR-stage card is stale now: pressing it changes nothing.
		if kind, _ := toastOf(f.click(ouHR2, hr2Approval, buttonValue(t, hr2Approval.Card, "plan.approve"), nil)); kind != "error" {
			t.Errorf("the stale HR card's click was answered with a %q toast, want error", kind)
		}
		if p := f.plan(1); p.Status != bot.StatusApproved || p.HRApprovedBy != ouHR {
			t.Fatalf("the stale HR card moved the plan: status %s, HR approval by %q", p.Status, p.HRApprovedBy)
		}
		resp = f.click(ouEmp, ackMsg, buttonValue(t, ackMsg.Card, "plan.ack"), nil)
		f.waitPlan(1, "active after the acknowledgment", func(p *bot.Plan) bool { return p.Status == bot.StatusActive })

		// The weekly update through the card form: the button opens the form, the form posts it.
		acked := answerCard(resp)
		if acked == nil {
			t.Fatalf("acknowledging answered %v", resp)
		}
		sent = len(f.fake.Messages())
		f.click(ouEmp, ackMsg, buttonValue(t, acked, "plan.update"), nil)
		updForm := f.awaitDM(ouEmp, sent, "goal_1")
		f.click(ouEmp, updForm, buttonValue(t, updForm.Card, "plan.update"), map[string]any{"goal_1": "66万", "text": "本周拜访8家客户"})
		var ups []bot.Update
		eventually(t, "the weekly update recorded", func() bool {
			ups, _ = f.a.db.Updates(ctx, f.tenant, p.ID)
			return len(ups) > 0
		})
		if len(ups) != 1 || len(ups[0].Values) != 1 || ups[0].Values[0].Value != 660000 || ups[0].Week != "2026-W47" {
			t.Fatalf("updates = %+v", ups)
		}

		// 王经理 drafts a plan for his report 李四: his own leader approves it, not he.
		p2 := f.draft(ouMgr, planForm{employee: ouPeer, metric: "新签客户数", baseline: "3", target: "8", unit: "家",
			cause: "新客户开发不足", action: "每周陌拜五家"})
		if p2.Number != 2 || p2.EmployeeID != ouPeer || p2.ManagerID != ouMgr || p2.CreatedBy != ouMgr {
			t.Fatalf("plan #2 = %+v", p2)
		}
		sent = len(f.fake.Messages())
		submitted := f.ask(ouMgr, "提交 2", "计划 #2 已提交给 赵总监")
		if findButton(submitted.Card, "plan.approve") != nil {
			t.Errorf("the drafter's own card offers Approve")
		}
		dirApproval := f.awaitDM(ouDir, sent, "plan.approve", "李四")
		if p := f.plan(2); p.Stage != bot.StageManager || p.ApproverID != ouDir {
			t.Fatalf("plan #2 routed to stage %s approver %q, want 赵总监", p.Stage, p.ApproverID)
		}
		// Neither typing 批准 nor pressing Approve (say, on a card shown to
		// him) lets the drafter approve: the refusal names who may.
		before := f.plan(2)
		f.ask(ouMgr, "批准 2", "你不能批准计划：只有赵总监可以")
		kind, text := toastOf(f.click(ouMgr, dirApproval, buttonValue(t, dirApproval.Card, "plan.approve"), nil))
		if kind != "error" || !strings.Contains(text, "只有赵总监可以") {
			t.Errorf("the drafter's click was answered with a %q toast %q", kind, text)
		}
		if p := f.plan(2); p.Status != bot.StatusSubmitted || p.Version != before.Version || p.ApprovedBy != "" {
			t.Fatalf("the drafter's approval moved plan #2: status %s version %d→%d approved by %q", p.Status, before.Version, p.Version, p.ApprovedBy)
		}
		sent = len(f.fake.Messages())
		f.click(ouDir, dirApproval, buttonValue(t, dirApproval.Card, "plan.approve"), nil)
		f.awaitDM(ouHR, sent, "plan.approve", "李四")
		if p := f.plan(2); p.Stage != bot.StageHR || p.ApprovedBy != ouDir {
			t.Fatalf("after 赵总监: plan #2 at stage %s, approved by %q", p.Stage, p.ApprovedBy)
		}

		// The outcome: proposed by the manager below target, nothing final yet.
		sent = len(f.fake.Messages())
		f.ask(ouMgr, "结案 1 达成 每周复盘和大客户跟进很有效")
		outcome := f.awaitDM(ouHR, sent, "outcome.confirm")
		if p := f.plan(1); p.Status != bot.StatusActive || p.Pending == nil || !p.Pending.BelowTarget {
			t.Fatalf("after the proposal: status %s pending %+v", p.Status, p.Pending)
		}
		f.ask(ouHR, "晋升名单", "目前没有达成改进目标的员工") // not before HR confirms

		// HR confirms from the card: the button asks for the reason first.
		sent = len(f.fake.Messages())
		f.click(ouHR, outcome, buttonValue(t, outcome.Card, "outcome.confirm"), nil)
		reasonForm := f.awaitDM(ouHR, sent, "outcome.confirm", `"form":"1"`)
		if !hasInput(reasonForm.Card, "reason") {
			t.Fatalf("the confirmation form has no reason input: %s", content(reasonForm))
		}
		submit := buttonValue(t, reasonForm.Card, "outcome.confirm")
		if kind, _ := toastOf(f.click(ouHR, reasonForm, submit, map[string]any{"reason": ""})); kind != "error" {
			t.Errorf("an empty reason was answered with a %q toast, want error", kind)
		}
		if p := f.plan(1); p.Status != bot.StatusActive || p.Pending == nil {
			t.Fatalf("an empty reason decided the outcome: status %s", p.Status)
		}
		sent = len(f.fake.Messages())
		f.click(ouHR, reasonForm, submit, map[string]any{"reason": "大客户合同已签，本季度贡献实际达标"})
		f.awaitDM(ouHR2, sent, "张三 已达成改进目标")
		f.awaitDM(ouEmp, sent, "计划已结案：达成")
		if p := f.plan(1); p.Status != bot.StatusClosed || p.Outcome != bot.OutcomeAchieved || p.Pending != nil {
			t.Fatalf("after HR's confirmation: status %s outcome %s pending %+v", p.Status, p.Outcome, p.Pending)
		}
		f.ask(ouHR, "晋升名单", "晋升候选名单", "张三")

		want := []string{
			"plan.create/employee/" + ouEmp, "plan.submit/employee/" + ouEmp,
			"plan.forward/approver/" + ouMgr, "plan.approve/approver/" + ouHR, "plan.acknowledge/employee/" + ouEmp,
			"plan.update/employee/" + ouEmp, "outcome.propose/manager/" + ouMgr, "outcome.confirm/decider/" + ouHR,
			"plan.close/decider/" + ouHR,
		}
		if got := f.auditSteps(p.ID); !slices.Equal(got, want) {
			t.Errorf("audit of plan #1:\n got %s\nwant %s", strings.Join(got, " "), strings.Join(want, " "))
		}
		want = []string{"plan.create/manager/" + ouMgr, "plan.submit/manager/" + ouMgr,
			"plan.forward/approver/" + ouDir}
		if got := f.auditSteps(p2.ID); !slices.Equal(got, want) {
			t.Errorf("audit of plan #2:\n got %s\nwant %s", strings.Join(got, " "), strings.Join(want, " "))
		}

		// Whatever carried plan content went one-to-one and cannot be forwarded.
		for _, m := range f.fake.Messages() {
			if m.ReceiveIDType != "open_id" && !strings.HasPrefix(m.ReceiveID, "oc_p2p_") {
				t.Errorf("a message went to chat %s", m.ReceiveID)
			}
			if m.Card != nil && strings.Contains(content(m), "张三") && forwardable(m.Card) {
				t.Errorf("a card about 张三 to %s can be forwarded: %s", m.ReceiveID, content(m))
			}
		}
	})
}
