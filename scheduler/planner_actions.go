package scheduler

import (
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler/calendar"
)

// actionClock is when a time node with no time of day is reminded: the
// start of the owner's working day.
var actionClock = clock{9, 0}

// actionLookback is how long after its deadline an action's row is still
// wanted: a day, not the planner's lookback of two weeks. A cadence such as
// every working day has ten occurrences in two weeks, all past, which every
// pass would compute and hand to SyncReminders for nothing; a row still
// pending a day after its deadline (every dispatcher down that long) is
// cancelled by the next pass rather than marked missed.
const actionLookback = 24 * time.Hour

// epochMonday anchors "every N weeks" for a plan with no start recorded.
var epochMonday = calendar.NewDate(1970, time.January, 5)

// actionRows: for each action of a running plan that has a time node and
// is not done, a reminder to each of its owners on each day the node falls
// on, at the node's time of day (actionClock when it has none) in the
// owner's zone, until that day is over. The due key is the action's number
// and the day, so every occurrence is sent once; marking the action done,
// removing it or changing its node or owner leaves the pending rows
// unwanted, and the next planning of the plan cancels them.
func (pl *Planner) actionRows(w *wants, r compiled, p *bot.Plan, base bot.Reminder) {
	for i := range p.Actions {
		a := &p.Actions[i]
		if a.Status == bot.ActionDone || a.When.Repeat == "" {
			continue
		}
		c := actionClock
		if h, m, ok := a.When.HourMinute(); ok {
			c = clock{h, m}
		}
		for _, id := range pl.actionOwners(w.rn, p, a) {
			z := pl.zone(w.rn, p.Tenant, id)
			for _, day := range pl.nodeDays(w.rn, r, p, a.When, z) {
				due := at(day, c, z)
				if !tracked(p, due) {
					continue
				}
				w.add(row(base, bot.RemindAction, bot.ActionDueKey(a.No, day.String()), id, due, endOfDay(day, z),
					pl.provisional(p.Tenant, r.Region, day)))
			}
		}
	}
}

// actionOwners are the people who answer for a, as the engine decides who
// may mark it done (bot.Action's owner kinds): the plan's employee or
// manager, every HR user of the tenant, or the person named.
func (pl *Planner) actionOwners(rn *run, p *bot.Plan, a *bot.Action) []string {
	switch a.Kind() {
	case bot.OwnerEmployee:
		return distinct(p.EmployeeID)
	case bot.OwnerManager:
		return distinct(p.ManagerID)
	case bot.OwnerHR:
		return distinct(pl.hrOf(rn, p.Tenant)...)
	case bot.OwnerPerson:
		return distinct(a.Owner)
	}
	return nil
}

// actionPeople are the named owners of the plans' actions, whose zones
// their rows need (employees, managers and HR are loaded anyway).
func actionPeople(plans []*bot.Plan) []string {
	var ids []string
	for _, p := range plans {
		for _, a := range p.Actions {
			if a.Kind() == bot.OwnerPerson && a.Owner != "" {
				ids = append(ids, a.Owner)
			}
		}
	}
	return ids
}

// nodeDays are the local days in zone z, from the day before the run's
// instant (actionLookback) to the end of its window, that
// node t falls on: its date; every working day of the calendar (a daily
// node too: a stand-up is not held on a public holiday, and nothing else
// the planner sends goes out on one); each listed weekday of the weeks it
// comes round, moved to the week's last earlier working day as the weekly
// reminder is; or the day of each month, moved to the working day before
// as the monthly prompt is. Days after the window are dropped by wants.
func (pl *Planner) nodeDays(rn *run, r compiled, p *bot.Plan, t bot.TimeNode, z *time.Location) []calendar.Date {
	first, last := dateIn(rn.now.Add(-actionLookback), z), dateIn(rn.to, z)
	var days []calendar.Date
	switch t.Repeat {
	case bot.RepeatOnce:
		if d := calendar.DateOf(t.Date.UTC()); d.Compare(first) >= 0 && d.Compare(last) <= 0 {
			days = append(days, d)
		}
	case bot.RepeatDaily, bot.RepeatWorkdays:
		for d := first; d.Compare(last) <= 0; d = d.AddDays(1) {
			if pl.workday(rn, p.Tenant, r.Region, d) {
				days = append(days, d)
			}
		}
	case bot.RepeatWeekly:
		anchor := pl.weekAnchor(rn, p)
		for mon := mondayOf(first); mon.Compare(last) <= 0; mon = mon.AddDays(7) {
			if !comesRound(anchor, mon, t.Every) {
				continue
			}
			for _, wd := range t.Weekdays {
				if d := pl.weekdayOrEarlier(rn, p.Tenant, r.Region, mon, wd); !d.IsZero() && d.Compare(first) >= 0 && !containsDate(days, d) {
					days = append(days, d)
				}
			}
		}
	case bot.RepeatMonthly:
		for m := calendar.NewDate(first.Year, first.Month, 1); m.Compare(last) <= 0; m = calendar.NewDate(m.Year, m.Month+1, 1) {
			if d := pl.monthDay(rn, p.Tenant, r.Region, m, t.Day); d.Compare(first) >= 0 {
				days = append(days, d)
			}
		}
	}
	return days
}

// weekAnchor is the Monday of the week the plan started, in the tenant's
// zone (the same for every owner): "every two weeks" comes round in that
// week and every second week after it.
func (pl *Planner) weekAnchor(rn *run, p *bot.Plan) calendar.Date {
	if p.StartedAt.IsZero() {
		return epochMonday
	}
	z := pl.rules.of(p.Tenant).tz
	if z == nil {
		z = pl.tz
	}
	return mondayOf(dateIn(p.StartedAt, z))
}

// comesRound reports whether a node every n weeks comes round in the week
// starting monday, counting from the week starting anchor.
func comesRound(anchor, monday calendar.Date, n int) bool {
	if n <= 1 {
		return true
	}
	weeks := int(monday.In(time.UTC).Sub(anchor.In(time.UTC)).Hours()/24) / 7
	return ((weeks%n)+n)%n == 0
}

func containsDate(ds []calendar.Date, d calendar.Date) bool {
	for _, e := range ds {
		if e == d {
			return true
		}
	}
	return false
}

// workday is Workdays.IsWorkday, memoised for the run.
func (pl *Planner) workday(rn *run, tenant, region string, d calendar.Date) bool {
	k := dayKey{"workday", tenant, region, d, 0}
	if v, ok := rn.days[k]; ok {
		return !v.IsZero()
	}
	ok, _ := pl.cal.IsWorkday(tenant, region, d)
	v := calendar.Date{}
	if ok {
		v = d
	}
	rn.days[k] = v
	return ok
}

// weekdayOrEarlier is Workdays.WeekdayOrEarlier for the week starting
// monday, memoised for the run (under weeklyDay's key, which asks the same
// question); the zero Date when the week has no working day for it.
func (pl *Planner) weekdayOrEarlier(rn *run, tenant, region string, monday calendar.Date, day time.Weekday) calendar.Date {
	k := dayKey{"week", tenant, region, monday, int(day)}
	if v, ok := rn.days[k]; ok {
		return v
	}
	v, ok := pl.cal.WeekdayOrEarlier(tenant, region, monday, day)
	if !ok {
		v = calendar.Date{}
	}
	rn.days[k] = v
	return v
}

// monthDay is Workdays.MonthlyDay for the month starting first, memoised
// for the run (under monthlyDay's key, which asks the same question).
func (pl *Planner) monthDay(rn *run, tenant, region string, first calendar.Date, day int) calendar.Date {
	k := dayKey{"month", tenant, region, first, day}
	if v, ok := rn.days[k]; ok {
		return v
	}
	v := pl.cal.MonthlyDay(tenant, region, first.Year, first.Month, day)
	rn.days[k] = v
	return v
}
