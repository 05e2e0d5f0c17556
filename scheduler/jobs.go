package scheduler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Job names of `pipbot jobs run NAME`: one per schedule of docs/architecture.md, and
// the planner itself.
const (
	JobInterviewNotice = "interview_notice"
	JobWeeklyUpdate    = "weekly_update" // with the team summaries sent at the same time
	JobMissedUpdate    = "missed_update" // the manager's and HR's escalations
	JobMonthlyReview   = "monthly_review"
	JobPlanEnding      = "plan_ending"
	JobArchive         = "archive"
	JobTracking        = "tracking_due" // the manager's biweekly tracking note
	JobHRDigest        = "hr_digest"
	JobActionDue       = "action_due" // the actions' time nodes, to their owners
	JobPlan            = "plan"
)

// jobKinds are the reminder kinds each job sends.
var jobKinds = map[string][]bot.ReminderKind{
	JobInterviewNotice: {bot.RemindInterview},
	JobWeeklyUpdate:    {bot.RemindWeekly, bot.RemindWeeklySummary},
	JobMissedUpdate:    {bot.RemindMissed, bot.RemindMissedHR},
	JobMonthlyReview:   {bot.RemindMonthly},
	JobPlanEnding:      {bot.RemindEnding},
	JobArchive:         {bot.RemindArchive},
	JobTracking:        {bot.RemindTracking},
	JobHRDigest:        {bot.RemindHRDigest},
	JobActionDue:       {bot.RemindAction},
	JobPlan:            nil,
}

// JobNames lists the jobs, for usage messages.
func JobNames() []string {
	return []string{JobInterviewNotice, JobWeeklyUpdate, JobMissedUpdate, JobMonthlyReview, JobPlanEnding, JobArchive,
		JobTracking, JobHRDigest, JobActionDue, JobPlan}
}

// Jobs runs the scheduler's jobs by hand for the admin CLI: `pipbot jobs
// list` and `pipbot jobs run NAME [--at TIME] [--dry-run]`.
type Jobs struct {
	Planner  *Planner
	Composer *Composer
	Outbox   Reminders
	// Notifier sends in real runs: the dispatchers' own (Composer.Notifier
	// over the platform senders), so a row goes out once whoever sends it.
	Notifier Notifier
	// Owner is the lease owner of real runs; "" is "pipbot-jobs".
	Owner string
}

// wantedAt computes, without writing anything, the rows that planning as
// of at wants and keep accepts, by due time. They carry no ID.
func (j *Jobs) wantedAt(ctx context.Context, at time.Time, keep func(bot.Reminder) bool) ([]bot.Reminder, error) {
	pl := j.Planner
	rn := pl.newRun(at)
	seen := map[string]bool{}
	var out []bot.Reminder
	errs, err := pl.walk(ctx, rn, func(after int64) ([]*bot.Plan, error) {
		return pl.src.PlansForScheduling(ctx, after, pl.pageSize)
	}, func(ctx context.Context, rn *run, tenant string, plans []*bot.Plan) error {
		want, _, err := pl.wantGroup(ctx, rn, tenant, plans)
		for _, r := range want {
			if keep(r) && !seen[r.Key()] {
				seen[r.Key()] = true
				out = append(out, r)
			}
		}
		return err
	})
	if err = errors.Join(append(errs, err)...); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b bot.Reminder) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), strings.Compare(a.Tenant, b.Tenant), cmp.Compare(a.PlanID, b.PlanID), strings.Compare(a.Key(), b.Key()))
	})
	return out, nil
}

// dueAt keeps the rows of kinds that would go out at at: due by then, or
// within the spread window after it (a job run at 17:00 covers the 17:00
// reminders spread over the minutes after), and not past their deadline.
func dueAt(at time.Time, spread time.Duration, kinds []bot.ReminderKind) func(bot.Reminder) bool {
	return func(r bot.Reminder) bool {
		return slices.Contains(kinds, r.Kind) && !r.DueAt.After(at.Add(spread)) && r.ExpiresAt.After(at)
	}
}

// planKeeping plans as of at, creating and moving rows but cancelling none,
// so that a run for another time never takes back what is wanted now.
func (j *Jobs) planKeeping(ctx context.Context, at time.Time) error {
	pl := j.Planner
	rn := pl.newRun(at)
	rn.keep = true
	errs, err := pl.walkPlanning(ctx, rn, func(after int64) ([]*bot.Plan, error) {
		return pl.src.PlansForScheduling(ctx, after, pl.pageSize)
	})
	return errors.Join(append(errs, err)...)
}

// sendResult is what a real run did with one row.
type sendResult struct {
	r      bot.Reminder
	status string // "sent", "skipped", "missed", "failed"
	err    error
}

// sendDue claims the rows due by at and its spread window, as a dispatcher does, and sends those
// of kinds through the Notifier, marking them sent under the lease. Rows of
// other kinds it happens to claim are left alone: the dispatchers send them
// once this run's one-minute lease on them has run out.
func (j *Jobs) sendDue(ctx context.Context, at time.Time, kinds []bot.ReminderKind) ([]sendResult, error) {
	owner := cmp.Or(j.Owner, "pipbot-jobs")
	through := at.Add(j.Planner.rules.maxSpread())
	const batch = 100
	var out []sendResult
	for ctx.Err() == nil {
		rs, err := j.Outbox.ClaimDue(ctx, owner, through, batch, time.Minute)
		if err != nil {
			return out, fmt.Errorf("claim due reminders: %w", err)
		}
		for _, r := range rs {
			if !slices.Contains(kinds, r.Kind) {
				continue
			}
			res := sendResult{r: r, status: "sent"}
			now := j.Planner.clock.now()
			if !r.ExpiresAt.After(at) {
				res.status, res.err = "missed", j.Outbox.MarkMissed(ctx, r.ID, owner, now)
			} else if id, err := j.Notifier.Notify(ctx, r); errors.Is(err, ErrSkipped) {
				res.status = "skipped"
			} else if err != nil {
				res.status, res.err = "failed", err
			} else {
				res.err = j.Outbox.MarkSent(ctx, r.ID, owner, now, id)
			}
			out = append(out, res)
		}
		if len(rs) < batch {
			break
		}
	}
	return out, ctx.Err()
}
