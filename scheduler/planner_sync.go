package scheduler

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// openStatuses are the statuses of plans that still run or may: every
// status but closed and cancelled.
var openStatuses = []bot.Status{bot.StatusDraft, bot.StatusSubmitted, bot.StatusApproved, bot.StatusActive}

// planGroup plans some plans of one tenant in one write (SyncReminders):
// it creates the rows they want that are not yet stored, moves the pending
// ones whose time changed and, unless the run keeps rows, cancels their
// pending rows that are no longer wanted (the update landed, the interview
// moved or was cancelled or recorded, the plan stopped running, the manager
// changed). Team-chat summaries are only ever created; the engine skips one
// whose team has nothing to count when due. A rolling run writes only the
// rows due after the window it already planned.
func (pl *Planner) planGroup(ctx context.Context, rn *run, tenant string, plans []*bot.Plan) error {
	g, err := pl.prepareGroup(ctx, rn, tenant, plans)
	if err != nil {
		return err
	}
	return pl.writeGroup(ctx, rn, g)
}

// groupRows is what planGroup writes for one group: the rows it wants and
// the subjects whose other pending rows it cancels.
type groupRows struct {
	tenant string
	want   []bot.Reminder
	cancel []string
}

// prepareGroup reads and computes the rows of planGroup, writing nothing.
func (pl *Planner) prepareGroup(ctx context.Context, rn *run, tenant string, plans []*bot.Plan) (groupRows, error) {
	want, ivs, err := pl.wantGroup(ctx, rn, tenant, plans)
	if err != nil {
		return groupRows{}, err
	}
	var cancel []string
	if !rn.keep {
		cancel = make([]string, 0, len(plans)+len(ivs))
		for _, p := range plans {
			cancel = append(cancel, planSubject(p.ID))
		}
		for _, iv := range ivs {
			cancel = append(cancel, interviewSubject(iv.ID))
		}
	}
	if !rn.rollAfter.IsZero() {
		want = slices.DeleteFunc(want, func(r bot.Reminder) bool { return !r.DueAt.After(rn.rollAfter) })
	}
	return groupRows{tenant: tenant, want: want, cancel: cancel}, nil
}

// writeGroup writes what prepareGroup computed, in one SyncReminders, and
// counts it in rn's created and cancelled (and nothing else of rn, so that
// the next group can be prepared meanwhile: see walkPlanning).
func (pl *Planner) writeGroup(ctx context.Context, rn *run, g groupRows) error {
	if len(g.want) == 0 && len(g.cancel) == 0 {
		return nil
	}
	created, _, cancelled, err := pl.out.SyncReminders(ctx, g.tenant, g.want, rn.now, g.cancel)
	rn.created += created
	rn.cancelled += cancelled
	if err != nil {
		return fmt.Errorf("plan tenant %s: %w", g.tenant, err)
	}
	return nil
}

// wantGroup computes the rows some plans of one tenant want (with the
// summaries of their team chats), and returns their interviews too.
func (pl *Planner) wantGroup(ctx context.Context, rn *run, tenant string, plans []*bot.Plan) ([]bot.Reminder, []bot.Interview, error) {
	ids := make([]int64, 0, len(plans))
	var running []int64
	for _, p := range plans {
		ids = append(ids, p.ID)
		if p.Tracking() {
			running = append(running, p.ID)
		}
	}
	ivs, err := pl.src.InterviewsOfPlans(ctx, tenant, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("plan tenant %s: %w", tenant, err)
	}
	if err := pl.load(ctx, rn, tenant, involved(plans, ivs), true); err != nil {
		return nil, nil, err
	}
	byPlan := map[int64][]bot.Interview{}
	for _, iv := range ivs {
		byPlan[iv.PlanID] = append(byPlan[iv.PlanID], iv)
	}
	latest, tracked := map[int64]string{}, map[int64]time.Time{}
	if len(running) > 0 {
		if latest, err = pl.src.LatestWeeks(ctx, tenant, running); err != nil {
			return nil, nil, fmt.Errorf("plan tenant %s: %w", tenant, err)
		}
		if tracked, err = pl.src.ManagerTracked(ctx, tenant, running); err != nil {
			return nil, nil, fmt.Errorf("plan tenant %s: %w", tenant, err)
		}
	}
	var want []bot.Reminder
	for _, p := range plans {
		f := bot.ReminderFacts{Plan: p, Interviews: byPlan[p.ID], LatestWeek: latest[p.ID], LastTracked: tracked[p.ID]}
		want = append(want, pl.planRows(rn, f)...)
	}
	want = append(want, pl.summaryRows(rn, tenant, plans)...)
	want = append(want, pl.digestRows(rn, tenant)...)
	rn.plans += len(plans)
	rn.wanted += len(want)
	return want, ivs, nil
}

// involved lists the people whose zones the plans' rows need.
func involved(plans []*bot.Plan, ivs []bot.Interview) []string {
	ids := make([]string, 0, 2*len(plans))
	for _, p := range plans {
		ids = append(ids, p.EmployeeID, p.ManagerID)
	}
	ids = append(ids, actionPeople(plans)...)
	for _, iv := range ivs {
		ids = append(ids, iv.Attendees...)
	}
	return ids
}

// Replan plans one plan again now: call it after an interview is booked,
// moved or cancelled or its notes recorded, an update lands, the end date
// changes, the plan is closed or cancelled. The periodic run (every ten
// minutes) catches every such change too, so a moved interview is re-planned
// at the latest by the next run, and immediately once this hook is wired.
func (pl *Planner) Replan(ctx context.Context, tenant string, planID int64) error {
	p, err := pl.src.PlanByID(ctx, tenant, planID)
	if err != nil {
		return fmt.Errorf("replan plan %d: %w", planID, err)
	}
	if err := pl.planGroup(ctx, pl.newRun(pl.clock.now()), tenant, []*bot.Plan{p}); err != nil {
		return fmt.Errorf("replan plan %d: %w", planID, err)
	}
	return nil
}

// ReplanTenant plans every open plan of a tenant again now: call it after
// the tenant's calendar changed (calendar.Calendar.Version moved), so that
// the pending rows move to the new working days at once.
func (pl *Planner) ReplanTenant(ctx context.Context, tenant string) error {
	plans, err := pl.src.ListPlans(ctx, tenant, bot.PlanQuery{Statuses: openStatuses})
	if err != nil {
		return fmt.Errorf("replan tenant %s: %w", tenant, err)
	}
	rn := pl.newRun(pl.clock.now())
	for page := range slices.Chunk(plans, pl.pageSize) {
		if err := pl.planGroup(ctx, rn, tenant, page); err != nil {
			return fmt.Errorf("replan tenant %s: %w", tenant, err)
		}
	}
	return nil
}

// ReplanPlans plans the tenant's plans ids again now, in one write per
// page (the ChangeQueue's batches of changed plans).
func (pl *Planner) ReplanPlans(ctx context.Context, tenant string, ids []int64) error {
	return pl.planIDs(ctx, pl.newRun(pl.clock.now()), tenant, ids)
}

// planIDs plans the tenant's plans ids, page by page, in run rn.
func (pl *Planner) planIDs(ctx context.Context, rn *run, tenant string, ids []int64) error {
	for page := range slices.Chunk(ids, pl.pageSize) {
		plans, err := pl.src.PlansByIDs(ctx, tenant, page)
		if err == nil {
			err = pl.planGroup(ctx, rn, tenant, plans)
		}
		if err != nil {
			return fmt.Errorf("replan %d plans of tenant %s: %w", len(ids), tenant, err)
		}
	}
	return nil
}

// PlanChanged is Replan for callers that cannot act on an error: the error
// is logged, and the next pass repairs what this one could not. It plans
// at once, so the engine's hook, which must not block, goes through a
// ChangeQueue instead.
func (pl *Planner) PlanChanged(ctx context.Context, tenant string, planID int64) {
	if err := pl.Replan(ctx, tenant, planID); err != nil {
		pl.log.WarnContext(ctx, "replan failed; the next run will retry", "tenant", tenant, "plan_id", planID, "err", err)
	}
}
