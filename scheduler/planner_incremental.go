package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// ChangeLog is where the planner finds what changed since its last pass,
// and keeps its high-water mark, in the database so that a restarted
// process or another replica continues from it (storage.DB implements it).
type ChangeLog interface {
	// RecordPlanChanges notes plans to plan again at the next pass.
	RecordPlanChanges(ctx context.Context, tenant string, ids []int64) error
	// PlansChangedSince lists by tenant the plans recorded after afterSeq
	// or stamped (the plan, its updates, its people, its team chat, its
	// interview bookings) at or after since, unless since is zero; last is
	// the highest seq read.
	PlansChangedSince(ctx context.Context, afterSeq int64, since time.Time) (changed map[string][]int64, last int64, err error)
	// PrunePlanChanges drops the recorded changes up to seq.
	PrunePlanChanges(ctx context.Context, upTo int64) error
	PlannerMark(ctx context.Context, name string) (string, error)
	SetPlannerMark(ctx context.Context, name, value string) error
}

// markName names the planner's mark among planner_marks.
const markName = "reminders"

// stampMargin is how far before the last pass's start the next one looks
// for stamped changes: a transaction that began before that pass read the
// tables may commit after it, and replicas' clocks differ a little.
const stampMargin = 2 * time.Minute

// mark is the planner's high-water mark: the last recorded change planned,
// when the last pass started, and the end of the window it planned.
type mark struct {
	Seq int64     `json:"seq"`
	At  time.Time `json:"at"`
	To  time.Time `json:"to"`
}

// Run is one planning pass at the planner's clock, for TickerOptions.Plan.
// Without a ChangeLog every pass is full (Plan). With one, the first pass
// of the process, or one after RequestFull, or one with no mark stored, is
// full; every other pass is incremental: it plans only the plans changed
// since the mark and, when the window has rolled forward, the new rows of
// every plan due in the days it gained.
func (pl *Planner) Run(ctx context.Context) error {
	now := pl.clock.now()
	if pl.changes == nil {
		return pl.Plan(ctx, now)
	}
	m, found, err := pl.readMark(ctx)
	if err != nil {
		return err
	}
	// Changes recorded before this pass starts are covered by it. A full
	// pass needs only the last seq (a zero since reads no stamps).
	full := pl.fullDue.Swap(false) || !found || m.At.After(now) // a mark from the future: the clock went back
	since := m.At.Add(-stampMargin)
	if full {
		since = time.Time{}
	}
	changed, last, err := pl.changes.PlansChangedSince(ctx, m.Seq, since)
	if err != nil {
		if full {
			pl.fullDue.Store(true)
		}
		return fmt.Errorf("plan reminders: %w", err)
	}
	if full {
		err = pl.Plan(ctx, now)
	} else {
		err = pl.planChanges(ctx, now, changed, m.To)
	}
	if err != nil {
		if full {
			pl.fullDue.Store(true)
		}
		return err
	}
	next := mark{Seq: last, At: now, To: pl.windowEnd(now)}
	if !full && m.To.After(next.To) {
		next.To = m.To
	}
	if err := pl.changes.SetPlannerMark(ctx, markName, encodeMark(next)); err != nil {
		return fmt.Errorf("plan reminders: %w", err)
	}
	if last > m.Seq {
		return pl.changes.PrunePlanChanges(ctx, last)
	}
	return nil
}

// RequestFull makes the next Run a full pass: the calendar or the rules
// changed, or changes were dropped.
func (pl *Planner) RequestFull() { pl.fullDue.Store(true) }

// readMark reads the stored mark; found is false when there is none.
func (pl *Planner) readMark(ctx context.Context) (m mark, found bool, err error) {
	v, err := pl.changes.PlannerMark(ctx, markName)
	if err != nil || v == "" {
		return mark{}, false, err
	}
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		pl.log.WarnContext(ctx, "planner mark unreadable: planning in full", "err", err)
		return mark{}, false, nil
	}
	return m, true, nil
}

func encodeMark(m mark) string {
	b, _ := json.Marshal(m) // a struct of ints and times always encodes
	return string(b)
}

// planChanges is the incremental pass: the changed plans in full, then,
// if the window gained days since it was planned to plannedTo, the rows of
// every open plan due in those days.
func (pl *Planner) planChanges(ctx context.Context, now time.Time, changed map[string][]int64, plannedTo time.Time) error {
	started := time.Now()
	rn := pl.newRun(now)
	var errs []error
	for _, tenant := range slices.Sorted(maps.Keys(changed)) {
		if err := pl.planIDs(ctx, rn, tenant, changed[tenant]); err != nil {
			if ctx.Err() != nil {
				return err
			}
			pl.log.ErrorContext(ctx, "plan changed plans failed", "tenant", tenant, "err", err)
			errs = append(errs, err)
		}
	}
	changedPlans := rn.plans
	if rn.to.After(plannedTo) {
		roll := pl.newRun(now)
		roll.rollAfter, roll.keep = plannedTo, true
		walkErrs, err := pl.walkPlanning(ctx, roll, func(after int64) ([]*bot.Plan, error) {
			return pl.src.PlansForScheduling(ctx, after, pl.pageSize)
		})
		if err != nil {
			return fmt.Errorf("plan reminders of the days ahead: %w", err)
		}
		errs = append(errs, walkErrs...)
		rn.created += roll.created
	}
	pl.log.InfoContext(ctx, "reminders planned", "pass", "incremental", "plans", changedPlans, "wanted", rn.wanted,
		"created", rn.created, "cancelled", rn.cancelled, "took_ms", time.Since(started).Milliseconds())
	return errors.Join(errs...)
}
