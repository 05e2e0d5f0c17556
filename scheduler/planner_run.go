package scheduler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler/calendar"
)

// run is one pass of the planner: the instant it plans for, the window of
// rows it wants, and what it has loaded so far, so that a tenant's people
// and chats are read once per pass, not once per plan.
type run struct {
	now  time.Time
	from time.Time // rows whose deadline is before this are no longer wanted
	to   time.Time // rows due after this are left to a later run
	keep bool      // create and move rows, but cancel none (jobs run --at)
	// rollAfter, when set, makes the run write only rows due after it: the
	// window rolled forward since the last pass planned up to rollAfter.
	rollAfter time.Time

	tenants map[string]*tenantData
	zones   map[string]*time.Location // IANA name → zone
	days    map[dayKey]calendar.Date  // memo of AddWorkdays and friends

	plans, wanted, created, cancelled int
}

// tenantData is what a run has read of one tenant.
type tenantData struct {
	zones  map[string]string // IANA zone of each person read, by id; "" for none or not in the directory
	hr     []string          // HR users, directory and configuration
	chats  []bot.TeamChat
	loaded bool // chats read
}

// dayKey memoises a calendar question: op, tenant, region, date and n.
type dayKey struct {
	op, tenant, region string
	d                  calendar.Date
	n                  int
}

func (pl *Planner) newRun(now time.Time) *run {
	now = now.UTC()
	return &run{now: now, from: now.Add(-lookback), to: pl.windowEnd(now),
		tenants: map[string]*tenantData{}, zones: map[string]*time.Location{}, days: map[dayKey]calendar.Date{}}
}

// windowEnd is the end of the window planned at now: the horizon ahead,
// rounded down to a UTC midnight, so that it moves a day at a time and a
// pass in between has no new rows to create for plans that did not change.
func (pl *Planner) windowEnd(now time.Time) time.Time {
	return now.UTC().Add(pl.horizon).Truncate(24 * time.Hour)
}

// load reads what the run still lacks of the tenant: its HR users (once),
// the people among ids, and, with chats, its bound team chats (once).
func (pl *Planner) load(ctx context.Context, rn *run, tenant string, ids []string, chats bool) error {
	td := rn.tenants[tenant]
	if td == nil {
		hr, err := pl.src.HRPeople(ctx, tenant)
		if err != nil {
			return fmt.Errorf("load HR of tenant %s: %w", tenant, err)
		}
		td = &tenantData{zones: map[string]string{}}
		for _, p := range hr {
			td.zones[p.ID] = p.TZ
			td.hr = append(td.hr, p.ID)
		}
		platform, _, _ := strings.Cut(tenant, ":")
		for _, h := range pl.hr {
			if pf, id, ok := strings.Cut(strings.TrimSpace(h), ":"); ok && pf == platform {
				td.hr = append(td.hr, id)
			}
		}
		slices.Sort(td.hr)
		td.hr = slices.Compact(td.hr)
		rn.tenants[tenant] = td
		ids = append(slices.Clone(ids), td.hr...) // configured HR may be in the directory too
	}
	var missing []string
	for _, id := range ids {
		if _, ok := td.zones[id]; !ok && id != "" {
			td.zones[id] = ""
			missing = append(missing, id)
		}
	}
	for chunk := range slices.Chunk(missing, 500) {
		people, err := pl.src.PeopleByID(ctx, tenant, chunk)
		if err != nil {
			return fmt.Errorf("load people of tenant %s: %w", tenant, err)
		}
		for _, p := range people {
			td.zones[p.ID] = p.TZ
		}
	}
	if chats && !td.loaded {
		list, err := pl.src.TeamChats(ctx, tenant, "")
		if err != nil {
			return fmt.Errorf("load team chats of tenant %s: %w", tenant, err)
		}
		td.chats, td.loaded = list, true
	}
	return nil
}

// zone is where id lives: their own zone, else the tenant's, else the
// service default.
func (pl *Planner) zone(rn *run, tenant, id string) *time.Location {
	if name := rn.tenants[tenant].zones[id]; name != "" {
		if z, ok := rn.zones[name]; ok {
			return z
		}
		if z, err := time.LoadLocation(name); err == nil {
			rn.zones[name] = z
			return z
		}
	}
	if z := pl.rules.of(tenant).tz; z != nil {
		return z
	}
	return pl.tz
}

// hrOf lists the tenant's HR users (see load): marked HR in the directory,
// or named in the configuration for the tenant's platform.
func (pl *Planner) hrOf(rn *run, tenant string) []string { return rn.tenants[tenant].hr }

// addWorkdays is Workdays.AddWorkdays, memoised for the run.
func (pl *Planner) addWorkdays(rn *run, tenant, region string, d calendar.Date, n int) calendar.Date {
	if n == 0 {
		return d
	}
	k := dayKey{"add", tenant, region, d, n}
	if v, ok := rn.days[k]; ok {
		return v
	}
	v := pl.cal.AddWorkdays(tenant, region, d, n)
	rn.days[k] = v
	return v
}

// weeklyDay is the weekly reminder's day in the ISO week starting monday,
// memoised; the zero Date when the week has no working day for it.
func (pl *Planner) weeklyDay(rn *run, tenant string, r compiled, monday calendar.Date) calendar.Date {
	return pl.weekdayOrEarlier(rn, tenant, r.Region, monday, time.Weekday(r.WeeklyDay))
}

// monthlyDay is the monthly prompt's day of year-month, memoised.
func (pl *Planner) monthlyDay(rn *run, tenant string, r compiled, year int, month time.Month) calendar.Date {
	return pl.monthDay(rn, tenant, r.Region, calendar.NewDate(year, month, 1), r.MonthlyDay)
}

// provisional reports whether d may still change with an official notice.
func (pl *Planner) provisional(tenant, region string, d calendar.Date) bool {
	_, info := pl.cal.IsWorkday(tenant, region, d)
	return info.Provisional
}

// at is the instant of local time c on day d in loc. Send times are never
// before 04:00 (see parseClock), so the local time exists exactly once even
// on a daylight-saving day.
func at(d calendar.Date, c clock, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, c.hour, c.min, 0, 0, loc).UTC()
}

// endOfDay is 23:59 on d in loc: the deadline of same-day reminders.
func endOfDay(d calendar.Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 0, 0, loc).UTC()
}

// dateIn is the local day of t in loc.
func dateIn(t time.Time, loc *time.Location) calendar.Date { return calendar.DateOf(t.In(loc)) }

// mondayOf is the Monday of d's ISO week.
func mondayOf(d calendar.Date) calendar.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }

// weekKey is the ISO week of monday, "2026-W47", as bot.WeekKey writes it.
func weekKey(monday calendar.Date) string { return bot.WeekKey(monday.In(time.UTC), time.UTC) }
