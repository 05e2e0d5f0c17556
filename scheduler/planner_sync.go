package scheduler

import (
	"context"
	"fmt"
	"slices"

	"github.com/pipbot/pipbot/bot"
)

// openStatuses are the statuses of plans that still run or may: every
// status but closed and cancelled.
var openStatuses = []bot.Status{bot.StatusDraft, bot.StatusSubmitted, bot.StatusApproved, bot.StatusActive}

// planGroup plans some plans of one tenant: it creates the rows they want
// that are not yet stored and moves the pending ones whose time changed
// (UpsertReminders), then, unless the run keeps rows, cancels their pending
// rows that are no longer wanted. Team-chat summaries are only ever
// created; the engine skips one whose team has nothing to count when due.
func (pl *Planner) planGroup(ctx context.Context, rn *run, tenant string, plans []*bot.Plan) error {
	want, ivs, err := pl.wantGroup(ctx, rn, tenant, plans)
	if err != nil {
		return err
	}
	live := slices.DeleteFunc(slices.Clone(want), func(r bot.Reminder) bool { return !r.ExpiresAt.After(rn.now) })
	if len(live) > 0 {
		n, err := pl.out.UpsertReminders(ctx, live)
		rn.created += n
		if err != nil {
			return fmt.Errorf("plan tenant %s: %w", tenant, err)
		}
	}
	if rn.keep {
		return nil
	}
	return pl.cancelUnwanted(ctx, rn, tenant, plans, ivs, want)
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
	latest := map[int64]bot.Update{}
	if len(running) > 0 {
		if latest, err = pl.src.LatestUpdates(ctx, tenant, running); err != nil {
			return nil, nil, fmt.Errorf("plan tenant %s: %w", tenant, err)
		}
	}
	var want []bot.Reminder
	for _, p := range plans {
		want = append(want, pl.planRows(rn, p, byPlan[p.ID], latest[p.ID].Week)...)
	}
	want = append(want, pl.summaryRows(rn, tenant, plans)...)
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
	for _, iv := range ivs {
		ids = append(ids, iv.Attendees...)
	}
	return ids
}

// cancelUnwanted cancels the pending rows of plans and their interviews
// whose key is not among want: the update landed, the interview moved or
// was cancelled or recorded, the plan stopped running, the manager changed.
func (pl *Planner) cancelUnwanted(ctx context.Context, rn *run, tenant string, plans []*bot.Plan, ivs []bot.Interview, want []bot.Reminder) error {
	subjects := make([]string, 0, len(plans)+len(ivs))
	for _, p := range plans {
		subjects = append(subjects, planSubject(p.ID))
	}
	for _, iv := range ivs {
		subjects = append(subjects, interviewSubject(iv.ID))
	}
	pending, err := pl.src.PendingReminders(ctx, tenant, subjects)
	if err != nil {
		return fmt.Errorf("plan tenant %s: %w", tenant, err)
	}
	keys := make(map[string]bool, len(want))
	for _, r := range want {
		keys[r.Key()] = true
	}
	for _, r := range pending {
		if keys[r.Key()] {
			continue
		}
		if err := pl.out.CancelReminder(ctx, tenant, r.ID); err != nil {
			return fmt.Errorf("plan tenant %s: %w", tenant, err)
		}
		rn.cancelled++
		pl.log.DebugContext(ctx, "reminder no longer wanted", "tenant", tenant, "plan_id", r.PlanID,
			"reminder_id", r.ID, "kind", r.Kind, "due_key", r.DueKey)
	}
	return nil
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

// PlanChanged is Replan for callers that cannot act on an error, such as a
// hook run after the engine saved a change: the error is logged, and the
// next periodic run repairs what this one could not.
func (pl *Planner) PlanChanged(ctx context.Context, tenant string, planID int64) {
	if err := pl.Replan(ctx, tenant, planID); err != nil {
		pl.log.WarnContext(ctx, "replan failed; the next run will retry", "tenant", tenant, "plan_id", planID, "err", err)
	}
}
