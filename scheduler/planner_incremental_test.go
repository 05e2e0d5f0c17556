package scheduler_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/scheduler/calendar"
	"github.com/pipbot/pipbot/storage"
)

// TestIncrementalMatchesFull is a property test of incremental planning:
// from a few plans, 30 rounds each move the clock on by up to two days
// (rolling the window over day boundaries) and make one to three random
// changes — a plan created, approved, closed, given a new end date or
// manager; an interview booked, moved or cancelled; an update posted; a
// person's or HR's time zone changed; a team chat bound; an action with a
// time node added, or one marked done — and then run one
// incremental pass. Each change is found either through its stamp or
// through a recorded change (as the change queue records what it could not
// re-plan); a moved interview, which has no stamp, is always recorded.
// After every pass, the pending rows still in force must be those a fresh
// full pass writes into an empty outbox at that moment; a team summary the
// full pass no longer wants may linger (summaries are only ever created,
// and the engine skips an empty one when due).
func TestIncrementalMatchesFull(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { incrementalProperty(t, db, seed) })
		}
	})
}

// incWorld is the state of one run of the property.
type incWorld struct {
	t      *testing.T
	db     *storage.DB
	rnd    *rand.Rand
	tenant string
	clock  *stepClock
	people []bot.Person
	zones  []string
	log    []string // the changes made, for a failure's message
}

func incrementalProperty(t *testing.T, db *storage.DB, seed uint64) {
	ctx := t.Context()
	sh := mustLoc(t, "Asia/Shanghai")
	w := &incWorld{t: t, db: db, rnd: rand.New(rand.NewPCG(seed, 99)), tenant: fmt.Sprintf("console:inc%d", seed),
		clock: &stepClock{}, zones: []string{"Asia/Shanghai", "Asia/Tokyo", "Europe/London", "America/New_York", ""}}
	w.clock.Set(time.Date(2026, 11, 16, 9, 0, 0, 0, sh))
	w.people = []bot.Person{{ID: "u_hr", Name: "HR", HR: true, TZ: "Asia/Shanghai"}}
	for i := range 3 {
		w.people = append(w.people, bot.Person{ID: fmt.Sprintf("u_m%d", i), Name: "经理", TZ: w.zones[i]})
	}
	for i := range 10 {
		w.people = append(w.people, bot.Person{ID: fmt.Sprintf("u_e%d", i), Name: "员工", ManagerID: fmt.Sprintf("u_m%d", i%3), TZ: w.zones[i%len(w.zones)]})
	}
	for _, p := range w.people {
		p.Tenant, p.UpdatedAt = w.tenant, w.clock.Now().Add(-time.Hour)
		if err := db.SavePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	rules := scheduler.DefaultRules()
	rules.Spread = "7m"
	book, err := scheduler.NewRuleBook(scheduler.DefaultRules(), map[string]scheduler.Rules{w.tenant: rules})
	if err != nil {
		t.Fatal(err)
	}
	cal := newCalendar(t)
	inc, err := scheduler.NewPlanner(scheduler.PlannerOptions{Source: db, Reminders: db, Changes: db, Calendar: cal, Rules: book,
		TZ: sh, Clock: w.clock.Now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		w.newPlan(ctx, bot.StatusActive)
	}
	w.newPlan(ctx, bot.StatusDraft)
	if err := inc.Run(ctx); err != nil { // the first pass of a process is full
		t.Fatal(err)
	}
	for round := range 30 {
		w.clock.Set(w.clock.Now().Add(time.Duration(w.rnd.IntN(48*60)) * time.Minute))
		for range 1 + w.rnd.IntN(3) {
			w.change(ctx)
		}
		if err := inc.Run(ctx); err != nil {
			t.Fatalf("round %d: incremental pass: %v", round, err)
		}
		mem := &memOutbox{rows: map[string]bot.Reminder{}}
		full, err := scheduler.NewPlanner(scheduler.PlannerOptions{Source: db, Reminders: mem, Calendar: cal, Rules: book,
			TZ: sh, Clock: w.clock.Now, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		if err := full.Plan(ctx, w.clock.Now()); err != nil {
			t.Fatalf("round %d: full pass: %v", round, err)
		}
		got, want := w.inForce(mem)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d at %v, after %v: incremental rows differ from a full pass (-full +incremental):\n%s",
				round, w.clock.Now().In(sh), w.log, diff)
		}
	}
}

// inForce lists the tenant's pending rows not yet past their deadline, as
// stored and as the fresh full pass wrote them; the stored summaries the
// full pass does not want are left out.
func (w *incWorld) inForce(mem *memOutbox) (got, want []string) {
	now := w.clock.Now()
	all, err := w.db.ListReminders(w.t.Context(), w.tenant, scheduler.ReminderFilter{Status: bot.ReminderPending})
	if err != nil {
		w.t.Fatal(err)
	}
	fullKeys := map[string]bool{}
	for _, r := range mem.rows {
		if r.Tenant == w.tenant && r.ExpiresAt.After(now) {
			want = append(want, rowText(r))
			fullKeys[r.Key()] = true
		}
	}
	for _, r := range all {
		if r.ExpiresAt.After(now) && (r.Kind != bot.RemindWeeklySummary || fullKeys[r.Key()]) {
			got = append(got, rowText(r))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	return got, want
}

func rowText(r bot.Reminder) string {
	return fmt.Sprintf("%s due %s until %s short=%v provisional=%v", r.Key(), r.DueAt.UTC().Format(time.RFC3339),
		r.ExpiresAt.UTC().Format(time.RFC3339), r.ShortNotice, r.Provisional)
}

// pick is a random element of xs.
func pick[T any](rnd *rand.Rand, xs []T) T { return xs[rnd.IntN(len(xs))] }

// note records a change and tells the planner of it: through a recorded
// change when always or on a coin toss, otherwise through its stamp alone.
func (w *incWorld) note(what string, planID int64, always bool) {
	w.log = append(w.log, what)
	if always || w.rnd.IntN(2) == 0 {
		if err := w.db.RecordPlanChanges(w.t.Context(), w.tenant, []int64{planID}); err != nil {
			w.t.Fatal(err)
		}
	}
}

func (w *incWorld) newPlan(ctx context.Context, status bot.Status) {
	now := w.clock.Now()
	emp := pick(w.rnd, w.people[4:])
	p := &bot.Plan{Tenant: w.tenant, Platform: "console", Title: "改进", EmployeeID: emp.ID, ManagerID: emp.ManagerID,
		CreatedBy: emp.ManagerID, EmployeeType: bot.TypeUnderPerformer, Status: status, Cycle: 1, TeamVisible: w.rnd.IntN(2) == 0,
		Start: bot.DateOnly(now), End: bot.DateOnly(now.AddDate(0, 0, 10+w.rnd.IntN(40))), CreatedAt: now, UpdatedAt: now,
		Goals: []bot.Goal{{No: 1, Metric: "销售额", Baseline: 1, Target: 2, Unit: "元", Deadline: bot.DateOnly(now.AddDate(0, 2, 0))}}}
	if w.rnd.IntN(2) == 0 {
		a := w.randomAction()
		a.No = 1
		p.Actions = []bot.Action{a}
	}
	if status == bot.StatusActive {
		p.StartedAt, p.ApprovedAt, p.AckedAt = now, now, now
	}
	if err := w.db.CreatePlan(ctx, p); err != nil {
		w.t.Fatal(err)
	}
	w.note(fmt.Sprintf("new %s plan %d of %s", status, p.ID, emp.ID), p.ID, false)
}

// plans lists the tenant's plans in statuses (all when none).
func (w *incWorld) plans(statuses ...bot.Status) []*bot.Plan {
	ps, err := w.db.ListPlans(w.t.Context(), w.tenant, bot.PlanQuery{Statuses: statuses})
	if err != nil {
		w.t.Fatal(err)
	}
	slices.SortFunc(ps, func(a, b *bot.Plan) int { return int(a.ID - b.ID) })
	return ps
}

// savePlan applies edit to a random plan among statuses and saves it.
func (w *incWorld) savePlan(ctx context.Context, what string, edit func(p *bot.Plan), statuses ...bot.Status) {
	ps := w.plans(statuses...)
	if len(ps) == 0 {
		return
	}
	p := pick(w.rnd, ps)
	edit(p)
	p.UpdatedAt = w.clock.Now()
	if err := w.db.SavePlan(ctx, p); err != nil {
		w.t.Fatal(err)
	}
	w.note(fmt.Sprintf("%s plan %d", what, p.ID), p.ID, false)
}

// interviews lists the booked interviews of the open plans.
func (w *incWorld) interviews(ctx context.Context) []bot.Interview {
	var out []bot.Interview
	for _, p := range w.plans(bot.StatusDraft, bot.StatusApproved, bot.StatusActive) {
		ivs, err := w.db.Interviews(ctx, w.tenant, p.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, iv := range ivs {
			if iv.Status == bot.InterviewBooked {
				out = append(out, iv)
			}
		}
	}
	return out
}

// change makes one random change.
func (w *incWorld) change(ctx context.Context) {
	now := w.clock.Now()
	open := []bot.Status{bot.StatusDraft, bot.StatusApproved, bot.StatusActive}
	switch w.rnd.IntN(13) {
	case 0:
		w.newPlan(ctx, pick(w.rnd, []bot.Status{bot.StatusDraft, bot.StatusActive}))
	case 1:
		w.savePlan(ctx, "approve", func(p *bot.Plan) {
			p.Status, p.ApprovedAt, p.AckedAt, p.StartedAt = bot.StatusActive, now, now, now
		}, bot.StatusDraft)
	case 2:
		w.savePlan(ctx, "close", func(p *bot.Plan) { p.Status, p.ClosedAt = bot.StatusClosed, now }, open...)
	case 3:
		w.savePlan(ctx, "move the end of", func(p *bot.Plan) { p.End = p.End.AddDate(0, 0, w.rnd.IntN(15)-5) }, open...)
	case 4:
		w.savePlan(ctx, "change the manager of", func(p *bot.Plan) { p.ManagerID = pick(w.rnd, w.people[1:4]).ID }, open...)
	case 5:
		ps := w.plans(open...)
		if len(ps) == 0 {
			return
		}
		p := pick(w.rnd, ps)
		iv := &bot.Interview{Tenant: w.tenant, PlanID: p.ID, At: now.AddDate(0, 0, 1+w.rnd.IntN(14)).Truncate(time.Hour),
			Minutes: 60, Status: bot.InterviewBooked, BookedBy: p.ManagerID, BookedAt: now}
		if w.rnd.IntN(2) == 0 {
			iv.Attendees = []string{"u_hr"}
		}
		if err := w.db.SaveInterview(ctx, iv); err != nil {
			w.t.Fatal(err)
		}
		w.note(fmt.Sprintf("book interview %d of plan %d at %v", iv.ID, p.ID, iv.At), p.ID, false)
	case 6, 7:
		ivs := w.interviews(ctx)
		if len(ivs) == 0 {
			return
		}
		iv := pick(w.rnd, ivs)
		what := "move"
		if w.rnd.IntN(2) == 0 {
			iv.Status, iv.CancelledAt, what = bot.InterviewCancelled, now, "cancel"
		} else {
			iv.At = iv.At.Add(time.Duration(w.rnd.IntN(96)-24) * time.Hour)
		}
		if err := w.db.SaveInterview(ctx, &iv); err != nil {
			w.t.Fatal(err)
		}
		w.note(fmt.Sprintf("%s interview %d of plan %d", what, iv.ID, iv.PlanID), iv.PlanID, what == "move")
	case 8:
		ps := w.plans(bot.StatusActive)
		if len(ps) == 0 {
			return
		}
		p := pick(w.rnd, ps)
		week := bot.WeekKey(now.AddDate(0, 0, -7*w.rnd.IntN(2)), time.UTC)
		if err := w.db.AddUpdate(ctx, &bot.Update{Tenant: w.tenant, PlanID: p.ID, AuthorID: p.EmployeeID, Week: week, Text: "进展", At: now}); err != nil {
			w.t.Fatal(err)
		}
		w.note(fmt.Sprintf("update %s of plan %d", week, p.ID), p.ID, false)
	case 9:
		i := w.rnd.IntN(len(w.people))
		w.people[i].TZ = pick(w.rnd, w.zones)
		p := w.people[i]
		p.Tenant, p.UpdatedAt = w.tenant, now
		if err := w.db.SavePerson(ctx, p); err != nil {
			w.t.Fatal(err)
		}
		w.log = append(w.log, fmt.Sprintf("zone of %s to %q", p.ID, p.TZ))
	case 10:
		m := pick(w.rnd, w.people[1:4])
		if err := w.db.BindTeamChat(ctx, bot.TeamChat{Tenant: w.tenant, Platform: "console", ChatID: "oc_" + m.ID,
			ManagerID: m.ID, BoundBy: m.ID, BoundAt: now}); err != nil {
			w.t.Fatal(err)
		}
		w.log = append(w.log, "bind a team chat of "+m.ID)
	case 11:
		a := w.randomAction()
		w.savePlan(ctx, fmt.Sprintf("add action %s %+v to", a.Kind(), a.When), func(p *bot.Plan) {
			a.No = len(p.Actions) + 1
			p.Actions = append(p.Actions, a)
		}, open...)
	case 12:
		w.savePlan(ctx, "mark an action done of", func(p *bot.Plan) {
			for i := range p.Actions {
				if p.Actions[i].Status != bot.ActionDone {
					p.Actions[i].Status, p.Actions[i].DoneAt = bot.ActionDone, now
					return
				}
			}
		}, bot.StatusActive)
	}
}

// randomAction is an action not started, with a random time node and owner.
func (w *incWorld) randomAction() bot.Action {
	now := w.clock.Now()
	day := now.AddDate(0, 0, w.rnd.IntN(5))
	nodes := []bot.TimeNode{
		{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Friday}, Clock: "17:00", By: true},
		{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Monday, time.Thursday}, Every: 2, Clock: "10:00"},
		{Repeat: bot.RepeatWorkdays, Clock: "09:00"},
		{Repeat: bot.RepeatDaily, Clock: "08:30"},
		{Repeat: bot.RepeatMonthly, Day: 1 + w.rnd.IntN(31)},
		{Repeat: bot.RepeatOnce, Date: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC), Clock: "16:00"},
	}
	a := bot.Action{What: "行动", Status: bot.ActionNotStarted, When: pick(w.rnd, nodes)}
	switch w.rnd.IntN(4) {
	case 0:
		a.OwnerKind = bot.OwnerEmployee
	case 1:
		a.OwnerKind = bot.OwnerManager
	case 2:
		a.OwnerKind = bot.OwnerHR
	case 3:
		a.OwnerKind, a.Owner = bot.OwnerPerson, pick(w.rnd, w.people[4:]).ID
	}
	return a
}

// memOutbox is an empty outbox in memory, for a fresh full pass: it keeps
// what SyncReminders creates, as the store does (first row of a key wins,
// a later one moves it, rows past their deadline are not created).
type memOutbox struct {
	mu   sync.Mutex
	rows map[string]bot.Reminder
}

func (m *memOutbox) SyncReminders(_ context.Context, tenant string, want []bot.Reminder, now time.Time, cancel []string) (created, moved, cancelled int, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	for _, r := range want {
		if !r.ExpiresAt.After(now) || seen[r.Key()] {
			continue
		}
		seen[r.Key()] = true
		if _, ok := m.rows[r.Key()]; !ok {
			created++
		}
		m.rows[r.Key()] = r
	}
	return created, 0, 0, nil
}

func (m *memOutbox) CancelReminder(context.Context, string, int64) error { return nil }

func newCalendar(t *testing.T) *calendar.Calendar {
	t.Helper()
	cal, err := calendar.New(calendar.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}
