package scheduler_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/scheduler/calendar"
	"github.com/pipbot/pipbot/storage"
)

// The SQL store is what the planner reads.
var _ scheduler.Source = (*storage.DB)(nil)

// The engine builds the reminders' messages.
var _ scheduler.ReminderEngine = (*bot.Engine)(nil)

// planWorld is a tenant on a real store, with the real calendar, engine,
// planner and composer, all on one clock that the test moves.
type planWorld struct {
	t        *testing.T
	db       *storage.DB
	clock    *stepClock
	tenant   string
	engine   *bot.Engine
	planner  *scheduler.Planner
	composer *scheduler.Composer
	cal      *calendar.Calendar
	sent     *sentLog
}

// newPlanWorld builds a world for tenant with rules and people on db.
func newPlanWorld(t *testing.T, db *storage.DB, tenant string, rules scheduler.Rules, tz *time.Location, people ...bot.Person) *planWorld {
	t.Helper()
	w := &planWorld{t: t, db: db, clock: &stepClock{}, tenant: tenant, sent: &sentLog{}}
	cal := newCalendar(t)
	w.cal = cal
	// Most worlds read exact send times off the calendar: they plan without
	// the default spread, which has tests of its own (spread_test.go).
	if rules.Spread == scheduler.DefaultRules().Spread {
		rules.Spread = "0s"
	}
	book, err := scheduler.NewRuleBook(scheduler.DefaultRules(), map[string]scheduler.Rules{tenant: rules})
	if err != nil {
		t.Fatal(err)
	}
	w.engine = bot.New(bot.Options{Store: db, Sessions: noSessions{}, Clock: w.clock.Now, Locale: bot.LocaleZH, TZ: tz})
	// The worlds' tests look up to three weeks ahead of their clock; the
	// default window, three days, is TestPlannerHorizon's.
	w.planner, err = scheduler.NewPlanner(scheduler.PlannerOptions{Source: db, Reminders: db, Calendar: cal, Rules: book,
		TZ: tz, Clock: w.clock.Now, Log: slog.New(slog.DiscardHandler), Horizon: 21 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	w.composer = scheduler.NewComposer(w.planner, w.engine)
	for _, p := range people {
		p.Tenant = tenant
		if err := db.SavePerson(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// activePlan stores a running plan of employee under manager, started at started.
func (w *planWorld) activePlan(employee, manager string, started, end time.Time, teamVisible bool) *bot.Plan {
	w.t.Helper()
	p := &bot.Plan{Tenant: w.tenant, Platform: "console", Title: "提升季度销售额", EmployeeID: employee, ManagerID: manager,
		CreatedBy: manager, EmployeeType: bot.TypeUnderPerformer, Status: bot.StatusActive, Cycle: 1, TeamVisible: teamVisible,
		Start: bot.DateOnly(started), End: bot.DateOnly(end), StartedAt: started, ApprovedAt: started, AckedAt: started,
		Problems:  []bot.Problem{{No: 1, Priority: 1, Gap: bot.Gap{Metric: "季度销售额", Target: 500000, Actual: 350000, Unit: "元"}}},
		Goals:     []bot.Goal{{No: 1, Metric: "季度销售额", Baseline: 350000, Target: 500000, Unit: "元", Deadline: bot.DateOnly(end)}},
		CreatedAt: started, UpdatedAt: started}
	if err := w.db.CreatePlan(w.t.Context(), p); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// do runs a command as actor at the world's time and fails on an internal error.
func (w *planWorld) do(actor string, action string, args, values map[string]string) []bot.Reply {
	w.t.Helper()
	replies, err := w.engine.Handle(w.t.Context(), bot.Command{Platform: "console", Tenant: w.tenant,
		Actor: bot.Person{ID: actor}, Chat: bot.Chat{ID: "dm:" + actor}, Action: &bot.ActionInput{ID: action, Args: args, Values: values}})
	if err != nil {
		w.t.Fatalf("%s %s: %v", actor, action, err)
	}
	return replies
}

// say types a command as actor.
func (w *planWorld) say(actor, text string) []bot.Reply {
	w.t.Helper()
	replies, err := w.engine.Handle(w.t.Context(), bot.Command{Platform: "console", Tenant: w.tenant,
		Actor: bot.Person{ID: actor}, Chat: bot.Chat{ID: "dm:" + actor}, Text: text})
	if err != nil {
		w.t.Fatalf("%s %q: %v", actor, text, err)
	}
	return replies
}

// plan runs the planner at t.
func (w *planWorld) plan(t time.Time) {
	w.t.Helper()
	w.clock.Set(t)
	if err := w.planner.Plan(w.t.Context(), t); err != nil {
		w.t.Fatalf("Plan at %s: %v", t, err)
	}
}

// rows lists the tenant's reminders of kind (all when "") in any status.
func (w *planWorld) rows(kind bot.ReminderKind) []bot.Reminder {
	w.t.Helper()
	rs, err := w.db.ListReminders(w.t.Context(), w.tenant, scheduler.ReminderFilter{Kind: kind})
	if err != nil {
		w.t.Fatal(err)
	}
	return rs
}

// row finds the reminder of kind, due key and recipient, failing if absent.
func (w *planWorld) row(kind bot.ReminderKind, dueKey, to string) bot.Reminder {
	w.t.Helper()
	for _, r := range w.rows(kind) {
		if r.DueKey == dueKey && r.Recipient == to {
			return r
		}
	}
	w.t.Fatalf("no %s reminder %s for %s; have %v", kind, dueKey, to, keys(w.rows("")))
	return bot.Reminder{}
}

func keys(rs []bot.Reminder) []string {
	var out []string
	for _, r := range rs {
		out = append(out, string(r.Kind)+"/"+r.DueKey+"/"+r.Recipient+"/"+string(r.Status))
	}
	slices.Sort(out)
	return out
}

// dispatcher sends through the composer into w.sent, at the world's time.
func (w *planWorld) dispatcher() *scheduler.Dispatcher {
	send := func(_ context.Context, r bot.Reminder, rep bot.Reply) (string, error) {
		w.sent.add(r, rep, w.clock.Now())
		return "om_" + r.Key(), nil
	}
	return newDispatcher(w.t, scheduler.DispatcherOptions{Store: w.db, Owner: "test", Now: w.clock.Now,
		Notifier: w.composer.Notifier(send)})
}

// sentLog records what the fake platform was asked to send.
type sentLog struct {
	mu   sync.Mutex
	list []sentMsg
}

type sentMsg struct {
	r   bot.Reminder
	rep bot.Reply
	at  time.Time
}

func (s *sentLog) add(r bot.Reminder, rep bot.Reply, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, sentMsg{r, rep, at})
}

func (s *sentLog) all() []sentMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.list)
}

// noSessions keeps no conversation state: the tests type whole commands.
type noSessions struct{}

func (noSessions) Get(context.Context, string) ([]byte, bool, error)        { return nil, false, nil }
func (noSessions) Set(context.Context, string, []byte, time.Duration) error { return nil }
func (noSessions) Delete(context.Context, string) error                     { return nil }

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
