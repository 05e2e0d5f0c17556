package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pipbot/pipbot/scheduler/calendar"
	"github.com/pipbot/pipbot/storage"
)

// Years published after this release reach the calendar two ways: the
// holiday file PIPBOT_HOLIDAYS, read at start by every replica, and the
// years stored by `pipbot calendar import`. serve reads both again every
// holidayReload (a replaced file applies too) and, when the calendar
// changed, re-plans pending reminders.

// holidayReload is how often serve looks for newly imported years.
const holidayReload = time.Minute

// holidayYears gathers the years to install: PIPBOT_HOLIDAYS, then the
// imported years, an imported year taking the place of the file's (it is
// the later, deliberate act). A bad file, or one that contradicts the
// compiled data, is an error: serve does not start on it, as with a bad
// override file. A stored year that no longer fits (a release since
// compiled the year in with other days) is left out with a warning: the
// compiled data wins unless the import said --replace.
func holidayYears(ctx context.Context, cal *calendar.Calendar, file string, db *storage.DB, log *slog.Logger) ([]calendar.Notice, error) {
	byYear := map[int]calendar.Notice{}
	var order []int
	add := func(n calendar.Notice) {
		if _, ok := byYear[n.Year]; !ok {
			order = append(order, n.Year)
		}
		byYear[n.Year] = n
	}
	if file != "" {
		list, err := calendar.LoadNotices(file)
		if err != nil {
			return nil, fmt.Errorf("PIPBOT_HOLIDAYS: %w", err)
		}
		for _, n := range list {
			if _, err := cal.CheckNotice(n); err != nil {
				return nil, fmt.Errorf("PIPBOT_HOLIDAYS: %w", err)
			}
			add(n)
		}
	}
	if db != nil {
		stored, err := db.CalendarYears(ctx)
		if err != nil {
			return nil, err
		}
		for _, y := range stored {
			n, err := storedNotice(y)
			if err == nil {
				_, err = cal.CheckNotice(n)
			}
			if err != nil {
				log.Warn("imported calendar year left out", "component", "calendar", "year", y.Year, "err", err)
				continue
			}
			if _, dup := byYear[n.Year]; dup {
				log.Info("imported calendar year takes the place of PIPBOT_HOLIDAYS's", "component", "calendar", "year", n.Year)
			}
			add(n)
		}
	}
	out := make([]calendar.Notice, 0, len(order))
	for _, y := range order {
		out = append(out, byYear[y])
	}
	return out, nil
}

// storedNotice parses one imported year back into a notice.
func storedNotice(y storage.CalendarYear) (calendar.Notice, error) {
	list, err := calendar.ParseNotices(y.Name, y.Data)
	if err != nil {
		return calendar.Notice{}, err
	}
	if len(list) != 1 || list[0].Year != y.Year {
		return calendar.Notice{}, fmt.Errorf("stored year %d holds %d years", y.Year, len(list))
	}
	n := list[0]
	n.Source, n.Replace = y.Source, y.Replace
	return n, nil
}

// loadHolidays installs the years of holidayYears in the app's calendar.
func (a *app) loadHolidays(ctx context.Context) (changed bool, err error) {
	list, err := holidayYears(ctx, a.calendar, a.cfg.Holidays, a.db, a.log)
	if err != nil {
		return false, err
	}
	return a.calendar.SetNotices(list)
}

// watchHolidays reloads the holiday years every interval until ctx ends.
// When the calendar changed it logs the warnings still in force and
// re-plans every pending reminder, so reminders planned on a provisional
// year move to the published days without a restart.
func (a *app) watchHolidays(ctx context.Context, interval time.Duration, now func() time.Time) {
	log := a.log.With("component", "calendar")
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		changed, err := a.loadHolidays(ctx)
		if err != nil {
			log.Error("reload holiday years", "err", err)
			continue
		}
		if !changed {
			continue
		}
		log.Info("holiday years changed; re-planning pending reminders", "years", noticeYears(a.calendar.Notices()))
		for _, w := range a.calendar.Warnings(now()) {
			log.Warn(w)
		}
		if a.sched != nil {
			if err := a.sched.planner.Run(ctx); err != nil {
				log.Error("re-plan after holiday years changed", "err", err)
			}
		}
	}
}

// noticeYears lists the years of notices, for logs.
func noticeYears(list []calendar.Notice) []int {
	out := make([]int, 0, len(list))
	for _, n := range list {
		out = append(out, n.Year)
	}
	return out
}
