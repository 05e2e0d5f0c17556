package scheduler

import (
	"time"

	"github.com/pipbot/pipbot/bot"
)

// interviewRows: for a booked interview, the notice NoticeDays working days
// before the interview's day, at NoticeTime, to each attendee in their own
// zone (the employee, the manager, HR when invited), sent until
// NoticeDeadline before it starts; and the archive reminder ArchiveDays
// working days after it, to the manager, until that day is over.
//
// An interview booked after its notice time gets a short-notice row due
// when it was booked, which the dispatcher sends at once. The due key is the
// notice day, so moving the interview to another day replaces the row
// (the old one is cancelled as no longer wanted) and moving it within the
// day only moves the deadline.
func (pl *Planner) interviewRows(w *wants, r compiled, p *bot.Plan, iv *bot.Interview, base bot.Reminder) {
	if iv.Status != bot.InterviewBooked {
		return
	}
	rn := w.rn
	base.Subject = interviewSubject(iv.ID)
	for _, id := range distinct(append([]string{p.EmployeeID, p.ManagerID}, iv.Attendees...)...) {
		z := pl.zone(rn, p.Tenant, id)
		day := pl.addWorkdays(rn, p.Tenant, r.Region, dateIn(iv.At, z), -r.NoticeDays)
		rm := row(base, bot.RemindInterview, day.String(), id, at(day, r.notice, z),
			iv.At.Add(-r.noticeDeadline).UTC(), pl.provisional(p.Tenant, r.Region, day))
		if !iv.BookedAt.IsZero() && !rm.DueAt.After(iv.BookedAt) {
			rm.DueAt, rm.ShortNotice = iv.BookedAt.UTC(), true
		}
		w.add(rm)
	}
	if p.ManagerID == "" {
		return
	}
	z := pl.zone(rn, p.Tenant, p.ManagerID)
	day := pl.addWorkdays(rn, p.Tenant, r.Region, dateIn(iv.At, z), r.ArchiveDays)
	due := at(day, r.archive, z)
	if due.After(iv.At.Add(time.Duration(iv.Minutes) * time.Minute)) {
		w.add(row(base, bot.RemindArchive, day.String(), p.ManagerID, due, endOfDay(day, z), pl.provisional(p.Tenant, r.Region, day)))
	}
}

// summaryRows: for each team chat bound to a manager with running,
// team-visible plans among plans, the weekly summary at the weekly reminder's
// time in the manager's zone. The row carries no plan: the engine counts
// when it is sent.
func (pl *Planner) summaryRows(rn *run, tenant string, plans []*bot.Plan) []bot.Reminder {
	team := map[string][]*bot.Plan{}
	for _, p := range plans {
		if p.Tracking() && p.TeamVisible && p.ManagerID != "" {
			team[p.ManagerID] = append(team[p.ManagerID], p)
		}
	}
	if len(team) == 0 {
		return nil
	}
	r := pl.rules.of(tenant)
	w := &wants{rn: rn, spread: r.spread}
	for _, c := range rn.tenants[tenant].chats {
		members := team[c.ManagerID]
		if len(members) == 0 {
			continue
		}
		platform := c.Platform
		if platform == "" {
			platform = members[0].Platform
		}
		base := bot.Reminder{Tenant: tenant, Platform: platform, Subject: "chat:" + c.ChatID, ToChat: true,
			Status: bot.ReminderPending, CreatedAt: rn.now}
		z := pl.zone(rn, tenant, c.ManagerID)
		last := dateIn(rn.to, z)
		for mon := mondayOf(dateIn(rn.from, z)); mon.Compare(last) <= 0; mon = mon.AddDays(7) {
			day := pl.weeklyDay(rn, tenant, r, mon)
			if day.IsZero() || !anyTracked(members, at(day, r.weekly, z)) {
				continue
			}
			w.add(row(base, bot.RemindWeeklySummary, weekKey(mon), c.ChatID, at(day, r.weekly, z), endOfDay(day, z),
				pl.provisional(tenant, r.Region, day)))
		}
	}
	return w.rows
}

func anyTracked(plans []*bot.Plan, t time.Time) bool {
	for _, p := range plans {
		if tracked(p, t) {
			return true
		}
	}
	return false
}
