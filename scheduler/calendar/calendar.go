// Package calendar answers "is this a working day?" for the scheduler, so
// that interview notices, Friday reminders and monthly prompts land on days
// people actually work.
//
// Regions:
//   - "CN" (and "", which means CN, the default of Feishu attendance groups)
//     follows the official calendar of the State Council notices: holidays
//     and make-up working days (调休), compiled into the binary from
//     github.com/6tail/lunar-go, or loaded from a holiday file (SetNotices)
//     the day a notice appears. A year whose notice is in neither is still
//     known in part: the statutory holidays fixed by law are days off, every
//     other day follows Monday–Friday, and the year is provisional.
//   - Any other region code ("US", "GB", "DE", "JP", "SG" …) has Saturday and
//     Sunday off and no built-in public holidays; tenants add theirs as
//     overrides.
//
// Per-tenant overrides always win, over official data and over weekends.
// A Calendar is safe for concurrent use: the official tables are built once
// by New and never written again; overrides and loaded years sit behind a
// mutex.
package calendar

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// RegionCN is the region with an official working-day calendar.
const RegionCN = "CN"

// Options configures New. Every field is optional.
type Options struct {
	// Log receives data coverage, warnings and override changes.
	Log *slog.Logger
	// Overrides are the initial per-tenant overrides, e.g. from LoadOverrides.
	Overrides map[string][]Override
}

// Calendar is the working-day calendar shared by the planner and the
// dispatchers. Build it with New.
type Calendar struct {
	log *slog.Logger
	cn  *cnData

	mu        sync.RWMutex
	overrides map[string]map[Date]Override // tenant → date → override
	versions  map[string]int
	imp       imported // years loaded from holiday files
	epoch     int      // changes to imp, added to every tenant's Version

	smu       sync.Mutex              // guards statutory and lunar-go's converters
	statutory map[int]map[Date]string // provisional years' statutory days, by year
}

// New builds the calendar: it copies the official Chinese tables out of
// lunar-go, installs opts.Overrides and logs what the data covers. It does
// not log Warnings: the caller shows them once, where its user looks (the
// server's log, `pipbot calendar`'s output).
func New(opts Options) (*Calendar, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	c := &Calendar{
		log:       opts.Log.With("component", "calendar"),
		cn:        loadCN(),
		overrides: map[string]map[Date]Override{},
		versions:  map[string]int{},
		statutory: map[int]map[Date]string{},
	}
	for tenant, list := range opts.Overrides {
		if err := c.SetOverrides(tenant, list); err != nil {
			return nil, fmt.Errorf("new calendar: %w", err)
		}
	}
	c.log.Info("calendar loaded", "source", c.cn.source,
		"official_from", c.cn.firstOff, "official_to", c.cn.lastOff, "days", len(c.cn.days))
	return c, nil
}

// Reason says why a day is or is not a working day, so a reminder can
// explain itself ("moved: 国庆节") and admins can check the plan.
type Reason string

// The reasons IsWorkday gives.
const (
	ReasonWeekday   Reason = "weekday"   // Monday–Friday, nothing special
	ReasonWeekend   Reason = "weekend"   // Saturday or Sunday
	ReasonHoliday   Reason = "holiday"   // a day off in a published notice
	ReasonMakeup    Reason = "makeup"    // a weekend working day in a published notice (调休)
	ReasonStatutory Reason = "statutory" // a day off fixed by law, in a year not yet published
	ReasonOverride  Reason = "override"  // the tenant's own setting
)

// Info explains an IsWorkday answer.
type Info struct {
	Reason Reason
	// Name is the holiday, in Chinese as in the notices (春节, 国庆节 …),
	// for holiday, makeup and statutory days; see HolidayName.
	Name string
	// Note is the override's note, for override days.
	Note string
	// Provisional is set when the day may change once the year's notice is
	// published; reminders planned on it should say so and be re-planned.
	Provisional bool
}

// IsWorkday reports whether d is a working day for tenant in region, and
// why: the tenant's override, else (CN) the published notice, else the
// statutory holidays of an unpublished year, else Monday–Friday.
func (c *Calendar) IsWorkday(tenant, region string, d Date) (bool, Info) {
	c.mu.RLock()
	o, ok := c.overrides[tenant][d]
	imp := c.imp
	c.mu.RUnlock()
	if ok {
		return o.Workday, Info{Reason: ReasonOverride, Note: o.Note}
	}
	weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
	plain := Info{Reason: ReasonWeekday}
	if weekend {
		plain.Reason = ReasonWeekend
	}
	if !isCN(region) {
		return !weekend, plain
	}
	e, ok := imp.days[d]
	if !ok {
		e, ok = c.cn.days[d]
		// A loaded year that replaces a compiled one hides all its days.
		_, replaced := imp.years[e.Target.Year]
		ok = ok && !replaced
	}
	if ok {
		if e.Workday {
			return true, Info{Reason: ReasonMakeup, Name: e.Name}
		}
		return false, Info{Reason: ReasonHoliday, Name: e.Name}
	}
	plain.Provisional = provisional(imp, c.cn, d)
	if !isOfficial(imp, c.cn, d.Year) {
		if name := c.statutoryYear(d.Year)[d]; name != "" {
			return false, Info{Reason: ReasonStatutory, Name: name, Provisional: true}
		}
	}
	return !weekend, plain
}

// statutoryYear computes, once per year, the statutory days of a year
// without a notice. lunar-go's converters share a cache, so calls into it
// are serialised here too.
func (c *Calendar) statutoryYear(year int) map[Date]string {
	c.smu.Lock()
	defer c.smu.Unlock()
	days, ok := c.statutory[year]
	if !ok {
		days = statutoryDays(year)
		c.statutory[year] = days
	}
	return days
}

// isCN reports whether region follows the official Chinese calendar.
func isCN(region string) bool {
	r := strings.TrimSpace(region)
	return r == "" || strings.EqualFold(r, RegionCN)
}
