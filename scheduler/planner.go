package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler/calendar"
)

// Workdays is the part of the working-day calendar the planner uses
// (*calendar.Calendar implements it).
type Workdays interface {
	IsWorkday(tenant, region string, d calendar.Date) (bool, calendar.Info)
	AddWorkdays(tenant, region string, d calendar.Date, n int) calendar.Date
	WeekdayOrEarlier(tenant, region string, d calendar.Date, day time.Weekday) (calendar.Date, bool)
	MonthlyDay(tenant, region string, year int, month time.Month, day int) calendar.Date
}

// Source is what the planner reads (storage.DB implements it). Plans are
// walked across tenants in pages; everything else is asked per tenant.
type Source interface {
	// PlansForScheduling pages through the open plans of every tenant by ID.
	PlansForScheduling(ctx context.Context, afterID int64, limit int) ([]*bot.Plan, error)
	// PlansClosedSince pages through plans closed or cancelled since then.
	PlansClosedSince(ctx context.Context, since time.Time, afterID int64, limit int) ([]*bot.Plan, error)
	PlanByID(ctx context.Context, tenant string, id int64) (*bot.Plan, error)
	// PlansByIDs returns the tenant's plans among ids, in any status.
	PlansByIDs(ctx context.Context, tenant string, ids []int64) ([]*bot.Plan, error)
	ListPlans(ctx context.Context, tenant string, q bot.PlanQuery) ([]*bot.Plan, error)
	InterviewsOfPlans(ctx context.Context, tenant string, planIDs []int64) ([]bot.Interview, error)
	// LatestWeeks is the ISO week of each listed plan's latest update.
	LatestWeeks(ctx context.Context, tenant string, planIDs []int64) (map[int64]string, error)
	// ManagerTracked is when each listed plan's manager last wrote a
	// tracking note, for the plans that have one.
	ManagerTracked(ctx context.Context, tenant string, planIDs []int64) (map[int64]time.Time, error)
	// PendingReminders lists the pending rows about subjects, to cancel
	// those the planner no longer wants.
	PendingReminders(ctx context.Context, tenant string, subjects []string) ([]bot.Reminder, error)
	PeopleByID(ctx context.Context, tenant string, ids []string) ([]bot.Person, error)
	HRPeople(ctx context.Context, tenant string) ([]bot.Person, error)
	TeamChats(ctx context.Context, tenant, managerID string) ([]bot.TeamChat, error)
}

// PlanWriter is the part of the store the planner writes with.
type PlanWriter interface {
	// SyncReminders makes the tenant's stored rows match want in one
	// write: it creates the wanted rows not stored whose deadline is after
	// now, gives stored pending ones the times and flags of want, and
	// cancels the pending rows under the subjects of cancel that want
	// lacks. Safe to run from several planners at once.
	SyncReminders(ctx context.Context, tenant string, want []bot.Reminder, now time.Time, cancel []string) (created, moved, cancelled int, err error)
	CancelReminder(ctx context.Context, tenant string, id int64) error
}

// PlannerOptions wires a Planner. Source, Reminders and Calendar are required.
type PlannerOptions struct {
	Source    Source
	Reminders PlanWriter
	Calendar  Workdays
	// Changes makes passes incremental (Run); nil: every pass is full.
	Changes  ChangeLog
	Rules    *RuleBook      // nil: DefaultRules for every tenant
	TZ       *time.Location // zone of people and tenants with none (PIPBOT_TZ); nil: UTC
	HR       []string       // configured HR users, "platform:id" (PIPBOT_HR)
	Clock    Clock
	Log      *slog.Logger
	Horizon  time.Duration // how far ahead rows are created; 0: 3 days (see NewPlanner)
	PageSize int           // plans per page, and per write; 0: 2,000
}

// Planner turns plans, interviews and team chats into reminder rows, ahead
// of time and idempotently: running it again creates nothing new, moves the
// pending rows whose time changed (calendar, zone, interview moved) and
// cancels the pending rows nobody wants any more (update landed, interview
// cancelled, plan closed). Every replica may run it; the unique key of each
// row makes concurrent runs harmless.
type Planner struct {
	src      Source
	out      PlanWriter
	cal      Workdays
	changes  ChangeLog
	fullDue  atomic.Bool // the next Run plans in full
	rules    *RuleBook
	tz       *time.Location
	hr       []string
	clock    Clock
	log      *slog.Logger
	horizon  time.Duration
	pageSize int

	mu      sync.Mutex
	lastRun time.Time // start of the last complete run, for closed plans
}

// lookback is how long after its deadline a row still counts as wanted, so
// that re-planning leaves a just-expired row for the dispatcher to mark
// missed rather than cancelling it.
const lookback = 14 * 24 * time.Hour

// NewPlanner builds a Planner.
func NewPlanner(o PlannerOptions) (*Planner, error) {
	if o.Source == nil || o.Reminders == nil || o.Calendar == nil {
		return nil, errors.New("new planner: source, reminders and calendar are required")
	}
	pl := &Planner{src: o.Source, out: o.Reminders, cal: o.Calendar, changes: o.Changes, rules: o.Rules, tz: o.TZ, hr: o.HR,
		clock: o.Clock, log: o.Log, horizon: o.Horizon, pageSize: o.PageSize}
	pl.fullDue.Store(true) // a process starts with a full pass
	if pl.rules == nil {
		pl.rules, _ = NewRuleBook(DefaultRules(), nil)
	}
	if pl.tz == nil {
		pl.tz = time.UTC
	}
	if pl.log == nil {
		pl.log = slog.New(slog.DiscardHandler)
	}
	pl.log = pl.log.With("component", "planner")
	// Three days: a reminder's row exists two days or more before it is
	// due (the window ends at a UTC midnight), and a pass that fails is
	// retried ten minutes later, long before; short enough that a full pass over 100,000 plans writes about one row each,
	// not ten, most of which updates would cancel again.
	if pl.horizon <= 0 {
		pl.horizon = 3 * 24 * time.Hour
	}
	if pl.pageSize <= 0 {
		pl.pageSize = 2000
	}
	return pl, nil
}

// Plan materialises the reminders of every open plan of every tenant due
// within the horizon after now, page by page, and cancels pending rows of
// those plans that are no longer wanted; then it cancels what plans closed
// since the previous run still had pending. A tenant's failure is logged
// and reported, and the others are still planned.
func (pl *Planner) Plan(ctx context.Context, now time.Time) error {
	started := time.Now()
	rn := pl.newRun(now)
	errs, err := pl.walkPlanning(ctx, rn, func(after int64) ([]*bot.Plan, error) {
		return pl.src.PlansForScheduling(ctx, after, pl.pageSize)
	})
	if err != nil {
		return fmt.Errorf("plan reminders: %w", err)
	}
	since := pl.closedSince(now)
	closedErrs, err := pl.walkPlanning(ctx, rn, func(after int64) ([]*bot.Plan, error) {
		return pl.src.PlansClosedSince(ctx, since, after, pl.pageSize)
	})
	if err != nil {
		return fmt.Errorf("plan reminders of closed plans: %w", err)
	}
	errs = append(errs, closedErrs...)
	if len(errs) == 0 {
		pl.mu.Lock()
		pl.lastRun = now
		pl.mu.Unlock()
	}
	pl.log.InfoContext(ctx, "reminders planned", "pass", "full", "plans", rn.plans, "wanted", rn.wanted, "created", rn.created,
		"cancelled", rn.cancelled, "took_ms", time.Since(started).Milliseconds())
	return errors.Join(errs...)
}

// groupFunc handles the plans of one tenant in one page.
type groupFunc func(ctx context.Context, rn *run, tenant string, plans []*bot.Plan) error

// walk pages through the plans that page returns, after ID after, and calls
// fn for each tenant's plans of each page. A tenant's failure is logged and
// collected in errs, and the walk goes on; a failed page or the end of ctx
// stops it with err.
func (pl *Planner) walk(ctx context.Context, rn *run, page func(after int64) ([]*bot.Plan, error), fn groupFunc) (errs []error, err error) {
	var after int64
	for {
		plans, err := page(after)
		if err != nil {
			return errs, err
		}
		if len(plans) == 0 {
			return errs, nil
		}
		for tenant, group := range byTenant(plans) {
			if err := fn(ctx, rn, tenant, group); err != nil {
				if ctx.Err() != nil {
					return errs, err
				}
				pl.log.ErrorContext(ctx, "plan reminders failed", "tenant", tenant, "err", err)
				errs = append(errs, err)
			}
		}
		after = plans[len(plans)-1].ID
	}
}

// closedSince is how far back to look for closed plans: the previous
// complete run, with an hour's margin for clock skew between replicas, or a
// week back on the first run of this process.
func (pl *Planner) closedSince(now time.Time) time.Time {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.lastRun.IsZero() || pl.lastRun.After(now) {
		return now.Add(-7 * 24 * time.Hour)
	}
	return pl.lastRun.Add(-time.Hour)
}

// byTenant groups a page of plans by tenant, keeping their order.
func byTenant(plans []*bot.Plan) map[string][]*bot.Plan {
	out := map[string][]*bot.Plan{}
	for _, p := range plans {
		out[p.Tenant] = append(out[p.Tenant], p)
	}
	return out
}
