package scheduler

import (
	"fmt"
	"strconv"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler/calendar"
)

// wants collects the rows wanted within a run's window: not past their
// deadline by more than the lookback, not due beyond the horizon, and with
// a deadline after their due time.
type wants struct {
	rn     *run
	spread time.Duration // the rules' spread window
	rows   []bot.Reminder
}

// add keeps r, spread over the window, if it falls within the run's.
func (w *wants) add(r bot.Reminder) {
	spread(&r, w.spread)
	if r.ExpiresAt.After(r.DueAt) && r.ExpiresAt.After(w.rn.from) && !r.DueAt.After(w.rn.to) {
		w.rows = append(w.rows, r)
	}
}

// row is base with the fields that make one reminder.
func row(base bot.Reminder, kind bot.ReminderKind, dueKey, to string, due, expires time.Time, provisional bool) bot.Reminder {
	base.Kind, base.DueKey, base.Recipient = kind, dueKey, to
	base.DueAt, base.ExpiresAt, base.Provisional = due, expires, provisional
	return base
}

// Subjects of plan-bound reminders.
func planSubject(id int64) string      { return "plan:" + strconv.FormatInt(id, 10) }
func interviewSubject(id int64) string { return "interview:" + strconv.FormatInt(id, 10) }

// tracked reports whether p was already running at t, so that a plan
// started on a Friday evening is not reminded of that Friday's update.
func tracked(p *bot.Plan, t time.Time) bool { return p.StartedAt.IsZero() || p.StartedAt.Before(t) }

// planRows are the rows plan f.Plan wants: while it runs, the weekly
// reminder, the missed-update escalations, the monthly prompt, the ending
// prompt, the tracking reminder and its actions' time nodes; while it is
// open, its booked interviews' notices and archive reminders. The facts are
// what the planner and the composer load about the plan (its interviews,
// the ISO week of its newest update, its manager's last tracking note).
func (pl *Planner) planRows(rn *run, f bot.ReminderFacts) []bot.Reminder {
	p, ivs, latest := f.Plan, f.Interviews, f.LatestWeek
	if !p.Open() {
		return nil
	}
	r := pl.rules.of(p.Tenant)
	w := &wants{rn: rn, spread: r.spread}
	base := bot.Reminder{Tenant: p.Tenant, Platform: p.Platform, PlanID: p.ID, Subject: planSubject(p.ID),
		Status: bot.ReminderPending, CreatedAt: rn.now}
	if p.Tracking() {
		pl.weeklyRows(w, r, p, base, latest)
		pl.monthlyRows(w, r, p, base)
		pl.endingRows(w, r, p, base)
		pl.trackingRows(w, r, p, base, f.LastTracked)
		pl.actionRows(w, r, p, base)
	}
	for i := range ivs {
		pl.interviewRows(w, r, p, &ivs[i], base)
	}
	return w.rows
}

// weeklyRows: the weekly reminder on the week's weekly day (or its last
// earlier working day) in the employee's zone, unless that week's update is
// in; the manager's escalation the next working day; HR's too when the
// week before was missed as well.
func (pl *Planner) weeklyRows(w *wants, r compiled, p *bot.Plan, base bot.Reminder, latest string) {
	rn := w.rn
	emp, mgr := pl.zone(rn, p.Tenant, p.EmployeeID), pl.zone(rn, p.Tenant, p.ManagerID)
	last := dateIn(rn.to, emp)
	for mon := mondayOf(dateIn(rn.from, emp)); mon.Compare(last) <= 0; mon = mon.AddDays(7) {
		day := pl.weeklyDay(rn, p.Tenant, r, mon)
		week := weekKey(mon)
		if day.IsZero() || latest >= week || !tracked(p, at(day, r.weekly, emp)) {
			continue
		}
		prov := pl.provisional(p.Tenant, r.Region, day)
		w.add(row(base, bot.RemindWeekly, week, p.EmployeeID, at(day, r.weekly, emp), endOfDay(day, emp), prov))
		if p.ManagerID == "" {
			continue
		}
		next := pl.addWorkdays(rn, p.Tenant, r.Region, day, 1)
		w.add(row(base, bot.RemindMissed, week, p.ManagerID, at(next, r.escalation, mgr), endOfDay(next, mgr), prov))
		if !r.EscalateHR || !pl.missedBefore(rn, r, p, mon, latest, emp) {
			continue
		}
		for _, hr := range pl.hrOf(rn, p.Tenant) {
			if hr != p.EmployeeID && hr != p.ManagerID {
				z := pl.zone(rn, p.Tenant, hr)
				w.add(row(base, bot.RemindMissedHR, week, hr, at(next, r.escalation, z), endOfDay(next, z), prov))
			}
		}
	}
}

// missedBefore reports whether the week before monday's is missed so far:
// the plan ran then and no update came for it. It does not ask whether
// that week's deadline has passed: the escalation it leads to is due a week
// later, an update landing before then cancels it, and so the rows wanted
// depend on the plans alone, not on when the planner runs (an incremental
// pass and a full one plan the same rows).
func (pl *Planner) missedBefore(rn *run, r compiled, p *bot.Plan, monday calendar.Date, latest string, emp *time.Location) bool {
	prev := monday.AddDays(-7)
	day := pl.weeklyDay(rn, p.Tenant, r, prev)
	return !day.IsZero() && tracked(p, at(day, r.weekly, emp)) && latest < weekKey(prev)
}

// monthlyRows: the review prompt on the monthly day (moved to the previous
// working day), to the manager, in their zone; still sent for MonthlyGrace
// working days after.
func (pl *Planner) monthlyRows(w *wants, r compiled, p *bot.Plan, base bot.Reminder) {
	if p.ManagerID == "" {
		return
	}
	rn := w.rn
	z := pl.zone(rn, p.Tenant, p.ManagerID)
	first, last := dateIn(rn.from, z), dateIn(rn.to, z)
	for m := calendar.NewDate(first.Year, first.Month, 1); m.Compare(last) <= 0; m = calendar.NewDate(m.Year, m.Month+1, 1) {
		day := pl.monthlyDay(rn, p.Tenant, r, m.Year, m.Month)
		due := at(day, r.monthly, z)
		if !tracked(p, due) {
			continue
		}
		grace := pl.addWorkdays(rn, p.Tenant, r.Region, day, r.MonthlyGrace)
		key := fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
		w.add(row(base, bot.RemindMonthly, key, p.ManagerID, due, endOfDay(grace, z), pl.provisional(p.Tenant, r.Region, day)))
	}
}

// endingRows: the evaluation prompt EndingDays working days before the end
// date, to the manager and the employee, until the end date is over.
func (pl *Planner) endingRows(w *wants, r compiled, p *bot.Plan, base bot.Reminder) {
	if p.End.IsZero() {
		return
	}
	end := calendar.DateOf(p.End.UTC())
	day := pl.addWorkdays(w.rn, p.Tenant, r.Region, end, -r.EndingDays)
	prov := pl.provisional(p.Tenant, r.Region, day)
	for _, id := range distinct(p.ManagerID, p.EmployeeID) {
		z := pl.zone(w.rn, p.Tenant, id)
		w.add(row(base, bot.RemindEnding, end.String(), id, at(day, r.ending, z), endOfDay(end, z), prov))
	}
}

// distinct drops empty and repeated ids, keeping the order.
func distinct(ids ...string) []string {
	seen := map[string]bool{"": true}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// trackingRows: the tracking reminder to the manager, bot.TrackingDays
// after their last tracking note (or after the plan started, when they
// wrote none) and every as many days after while none comes, at the
// escalation time in their zone, moved to the next working day; sent
// until that day is over. A note re-plans the plan (the engine's change
// hook), which moves the next one TrackingDays after it.
func (pl *Planner) trackingRows(w *wants, r compiled, p *bot.Plan, base bot.Reminder, last time.Time) {
	if p.ManagerID == "" || p.StartedAt.IsZero() {
		return
	}
	if last.IsZero() || last.Before(p.StartedAt) {
		last = p.StartedAt
	}
	rn, z := w.rn, pl.zone(w.rn, p.Tenant, p.ManagerID)
	first := dateIn(last, z).AddDays(bot.TrackingDays)
	end := dateIn(rn.to, z)
	// Skip whole periods that ended before the window; the loop then runs
	// at most a couple of times.
	if from := dateIn(rn.from, z); from.Compare(first) > 0 {
		periods := int(from.In(time.UTC).Sub(first.In(time.UTC)).Hours()/24) / bot.TrackingDays
		first = first.AddDays(periods * bot.TrackingDays)
	}
	for d := first; d.Compare(end) <= 0; d = d.AddDays(bot.TrackingDays) {
		day := pl.addWorkdays(rn, p.Tenant, r.Region, d.AddDays(-1), 1) // d, or the working day after
		w.add(row(base, bot.RemindTracking, d.String(), p.ManagerID, at(day, r.escalation, z), endOfDay(day, z),
			pl.provisional(p.Tenant, r.Region, day)))
	}
}
