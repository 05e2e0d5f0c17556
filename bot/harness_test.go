package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

const tenantA = "console:acme"

// world is an engine over fakes with a demo organisation and a settable clock.
type world struct {
	t        *testing.T
	now      time.Time
	store    *memStore
	sessions *memSessions
	engine   *bot.Engine
	tenant   string
	opts     bot.Options // extra options (Org, Profiles, Calendar) for build
	policy   bot.Policy  // the tenant's settings
}

// People of the demo organisation and its reporting lines, as a platform
// directory would give them: 张三 and Sam report to 王经理, who reports to
// 赵总监, the top; HR Lin (on the break-glass list), 李导师 and Eve report
// to 赵总监 too.
var (
	boss   = bot.Person{ID: "u_boss", Name: "赵总监", Locale: bot.LocaleZH}
	emp    = bot.Person{ID: "u_emp", Name: "张三", ManagerID: "u_mgr", Locale: bot.LocaleZH}
	mgr    = bot.Person{ID: "u_mgr", Name: "王经理", ManagerID: "u_boss", Locale: bot.LocaleZH}
	hr     = bot.Person{ID: "u_hr", Name: "HR Lin", ManagerID: "u_boss", Locale: bot.LocaleEN}
	mentor = bot.Person{ID: "u_mentor", Name: "李导师", ManagerID: "u_boss", Locale: bot.LocaleZH}
	other  = bot.Person{ID: "u_other", Name: "Eve", ManagerID: "u_boss", Locale: bot.LocaleEN}
	empEN  = bot.Person{ID: "u_emp_en", Name: "Sam", ManagerID: "u_mgr", Locale: bot.LocaleEN}
)

// everyone is the demo organisation.
var everyone = []bot.Person{boss, emp, mgr, hr, mentor, other, empEN}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, now: time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC), store: newMemStore(), tenant: tenantA, policy: bot.DefaultPolicy()}
	w.sessions = newMemSessions(func() time.Time { return w.now })
	w.build()
	for _, p := range everyone {
		p.Tenant = w.tenant
		if err := w.store.SavePerson(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// build (re)makes the engine over the world's store with its options.
func (w *world) build() {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	o := w.opts
	o.Store, o.Sessions, o.Clock = w.store, w.sessions, func() time.Time { return w.now }
	o.HR, o.Locale, o.TZ = []string{"console:u_hr"}, bot.LocaleZH, sh
	if o.Policy == nil {
		o.Policy = func(string) bot.Policy { return w.policy }
	}
	w.engine = bot.New(o)
}

// cmd runs one command and fails the test on an internal error.
func (w *world) cmd(c bot.Command) []bot.Reply {
	w.t.Helper()
	if c.Tenant == "" {
		c.Tenant = w.tenant
	}
	c.Platform = bot.PlatformConsole
	txs := w.store.txs
	replies, err := w.engine.Handle(context.Background(), c)
	if n := w.store.txs - txs; n > 1 {
		w.t.Errorf("%s %q committed %d times; a command commits at most once", c.Actor.ID, c.Text, n)
	}
	if err != nil {
		w.t.Fatalf("%s %q: internal error %v", c.Actor.ID, c.Text, err)
	}
	if len(replies) == 0 {
		w.t.Fatalf("%s %q: no reply", c.Actor.ID, c.Text)
	}
	for _, r := range replies {
		if strings.Contains(r.Message.Text(), "%!") {
			w.t.Errorf("%s %q: a text is formatted with the wrong arguments: %s", c.Actor.ID, c.Text, r.Message.Text())
		}
	}
	return replies
}

// say sends text as p in a one-to-one chat.
func (w *world) say(p bot.Person, text string) []bot.Reply {
	w.t.Helper()
	return w.cmd(bot.Command{Actor: bot.Person{ID: p.ID}, Chat: bot.Chat{ID: "dm:" + p.ID}, Text: text})
}

// act clicks a button or submits a form as p.
func (w *world) act(p bot.Person, id string, args, values map[string]string) []bot.Reply {
	w.t.Helper()
	return w.cmd(bot.Command{Actor: bot.Person{ID: p.ID}, Chat: bot.Chat{ID: "dm:" + p.ID}, Action: &bot.ActionInput{ID: id, Args: args, Values: values}})
}

// plan loads plan n of the world's tenant.
func (w *world) plan(n int) *bot.Plan {
	w.t.Helper()
	p, err := w.store.PlanByNumber(context.Background(), w.tenant, n)
	if err != nil {
		w.t.Fatalf("load plan %d: %v", n, err)
	}
	return p
}

// text joins every reply's text, for assertions.
func text(replies []bot.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString(r.Message.Text())
		b.WriteString("\n")
	}
	return b.String()
}

// mustContain fails unless every part appears in the replies' text.
func mustContain(t *testing.T, replies []bot.Reply, parts ...string) {
	t.Helper()
	got := text(replies)
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("reply lacks %q; got:\n%s", p, got)
		}
	}
}

// buttons lists the action ids of every button in the replies to one person.
func buttons(replies []bot.Reply, to string) []string {
	var ids []string
	for _, r := range replies {
		if r.To != to {
			continue
		}
		for _, b := range r.Message.Blocks {
			if bs, ok := b.(bot.Buttons); ok {
				for _, x := range bs {
					ids = append(ids, x.Action.ID)
				}
			}
		}
	}
	return ids
}

// draftPlan walks the guided creation as the employee and returns the plan number.
func (w *world) draftPlan(by bot.Person) int {
	w.t.Helper()
	w.say(by, "新建")
	for _, line := range []string{"1", "季度销售额 50万 35万 元", "个人 客户跟进不及时", "完成",
		"季度销售额 35万 50万 元 2个月", "完成", "更新客户拜访记录 | 每周五 17:00 | CRM | 拜访数", "完成", "默认"} {
		w.say(by, line)
	}
	plans, _ := w.store.ListPlans(context.Background(), w.tenant, bot.PlanQuery{})
	return plans[len(plans)-1].Number
}

// activePlan drafts, submits, approves and acknowledges a plan.
func (w *world) activePlan() int {
	w.t.Helper()
	n := w.draftPlan(emp)
	w.say(emp, "提交 "+itoa(n))
	w.say(mgr, "批准 "+itoa(n))
	w.say(emp, "确认 "+itoa(n))
	if s := w.plan(n).Status; s != bot.StatusActive {
		w.t.Fatalf("plan %d is %s, want active", n, s)
	}
	return n
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}
