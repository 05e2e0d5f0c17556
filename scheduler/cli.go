package scheduler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// ListNext prints up to limit pending reminders of every tenant, overdue
// ones first, then by due time: when (in the tenant's zone), what, to whom,
// about which plan, and whether it is short notice, provisional or overdue
// as of now. It is `pipbot jobs list`.
func (j *Jobs) ListNext(ctx context.Context, w io.Writer, now time.Time, limit int) error {
	rs, err := j.Outbox.ListReminders(ctx, "", ReminderFilter{Status: bot.ReminderPending, Limit: limit})
	if err != nil {
		return fmt.Errorf("list reminders: %w", err)
	}
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, "No pending reminders.")
		return err
	}
	d := j.describer()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DUE (TENANT ZONE)\tKIND\tTO\tPLAN\tTENANT\tFLAGS")
	for _, r := range rs {
		var flags []string
		if r.DueAt.Before(now) {
			flags = append(flags, "overdue")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.when(r), r.Kind, d.who(ctx, r), d.plan(ctx, r), r.Tenant,
			strings.Join(append(flags, rowFlags(r)...), ","))
	}
	return tw.Flush()
}

// RunJob runs job name as of at (the planner's now when zero). The planner
// job plans (with dryRun, only counts what it would want). Any other job
// plans as of at and then, with dryRun, prints who would get what at that
// time without writing or sending anything; without, it sends what is due
// for that job through the Notifier, exactly once with the dispatchers.
// It is `pipbot jobs run NAME [--at TIME] [--dry-run]`.
func (j *Jobs) RunJob(ctx context.Context, w io.Writer, name string, at time.Time, dryRun bool) error {
	kinds, ok := jobKinds[name]
	if !ok {
		return fmt.Errorf("unknown job %q; the jobs are %s", name, strings.Join(JobNames(), ", "))
	}
	if at.IsZero() {
		at = j.Planner.clock.now()
	}
	mode := "run"
	if dryRun {
		mode = "dry run: nothing is written or sent"
	}
	fmt.Fprintf(w, "%s as of %s (%s)\n", name, at.UTC().Format(time.RFC3339), mode)
	switch {
	case name == JobPlan && dryRun:
		return j.previewPlan(ctx, w, at)
	case name == JobPlan:
		return j.Planner.Plan(ctx, at)
	case dryRun:
		return j.previewJob(ctx, w, at, kinds)
	}
	if j.Notifier == nil {
		return errors.New("run job: no notifier to send with")
	}
	if err := j.planKeeping(ctx, at); err != nil {
		return fmt.Errorf("run job %s: %w", name, err)
	}
	results, err := j.sendDue(ctx, at, kinds)
	d := j.describer()
	count := map[string]int{}
	for _, res := range results {
		count[res.status]++
		line := fmt.Sprintf("%-8s %s  %s  %s  %s  %s", res.status, d.when(res.r), res.r.Tenant, d.plan(ctx, res.r), d.who(ctx, res.r), res.r.Kind)
		if res.err != nil {
			line += "  error: " + res.err.Error()
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "%d sent, %d skipped (no longer applied), %d missed (past deadline), %d failed (left for the dispatchers)\n",
		count["sent"], count["skipped"], count["missed"], count["failed"])
	return err
}

// previewJob prints each reminder of kinds that would go out at at, with
// the first line of its message, and a one-line summary.
func (j *Jobs) previewJob(ctx context.Context, w io.Writer, at time.Time, kinds []bot.ReminderKind) error {
	rs, err := j.wantedAt(ctx, at, dueAt(at, j.Planner.rules.maxSpread(), kinds))
	if err != nil {
		return err
	}
	d := j.describer()
	sent, skipped := 0, 0
	for _, r := range rs {
		rep, why, err := j.Composer.Preview(ctx, r)
		what := ""
		switch {
		case err != nil:
			what = "error: " + err.Error()
		case why != "":
			skipped++
			what = "skip: " + why
		default:
			sent++
			what, _, _ = strings.Cut(rep.Message.Text(), "\n")
			if rep.Private {
				what += " (private)"
			}
		}
		fmt.Fprintf(w, "%s  %s  %s  %s  %s%s  %s\n", d.when(r), r.Tenant, d.plan(ctx, r), d.who(ctx, r), r.Kind, flagSuffix(r), what)
	}
	_, err = fmt.Fprintf(w, "%d would be sent, %d skipped; nothing was sent\n", sent, skipped)
	return err
}

// previewPlan prints how many rows of each kind planning as of at wants.
func (j *Jobs) previewPlan(ctx context.Context, w io.Writer, at time.Time) error {
	rs, err := j.wantedAt(ctx, at, func(r bot.Reminder) bool { return r.ExpiresAt.After(at) })
	if err != nil {
		return err
	}
	count := map[bot.ReminderKind]int{}
	for _, r := range rs {
		count[r.Kind]++
	}
	for _, k := range slices.Sorted(maps.Keys(count)) {
		fmt.Fprintf(w, "%-18s %d\n", k, count[k])
	}
	_, err = fmt.Fprintf(w, "%d reminders wanted until %s; nothing was written\n", len(rs), at.Add(j.Planner.horizon).UTC().Format(time.RFC3339))
	return err
}

func rowFlags(r bot.Reminder) []string {
	var f []string
	if r.ShortNotice {
		f = append(f, "short-notice")
	}
	if r.Provisional {
		f = append(f, "provisional")
	}
	return f
}

func flagSuffix(r bot.Reminder) string {
	if f := rowFlags(r); len(f) > 0 {
		return " [" + strings.Join(f, ",") + "]"
	}
	return ""
}
