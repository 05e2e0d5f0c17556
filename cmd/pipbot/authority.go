package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/scheduler/calendar"
)

// What the engine needs to know about the organisation besides the people
// table: the platforms' directories (who someone is, who their manager
// is), the org file, each tenant's rules and the working-day calendar.

// profiler is one platform directory's lookup, by the platform's own
// tenant key (Feishu tenant_key, Slack team id).
type profiler interface {
	Profile(ctx context.Context, key, id string) (bot.Person, error)
}

// profileRouter sends the engine's lookups to the directory of the
// tenant's platform. A platform without an adapter in this process knows
// no one: the engine falls back to the people table.
type profileRouter struct {
	byPlatform map[string]profiler
}

// Profile looks id up in tenant's platform directory.
func (p *profileRouter) Profile(ctx context.Context, tenant, id string) (bot.Person, error) {
	platform, key, _ := strings.Cut(tenant, ":")
	d, ok := p.byPlatform[platform]
	if !ok {
		return bot.Person{}, fmt.Errorf("profile %s: %w", id, errNoDirectory)
	}
	return d.Profile(ctx, key, id)
}

// errNoDirectory is a lookup on a platform this process has no adapter for.
var errNoDirectory = errors.New("no directory for the tenant's platform")

// workCalendar is the working-day calendar as the engine's port, with each
// tenant's region from its rules.
type workCalendar struct {
	cal   *calendar.Calendar
	rules *scheduler.RuleBook
}

// AddWorkingDays is the date n working days after day d (n < 0: before).
func (w workCalendar) AddWorkingDays(_ context.Context, tenant string, d time.Time, n int) time.Time {
	region := scheduler.DefaultRules().Region
	if w.rules != nil {
		region = w.rules.For(tenant).Region
	}
	day := calendar.NewDate(d.Year(), d.Month(), d.Day())
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		day = day.AddDays(step)
		if ok, _ := w.cal.IsWorkday(tenant, region, day); ok {
			n--
		}
	}
	return bot.DateOnly(day.In(time.UTC))
}

// organisation loads what newApp hands the engine about the organisation:
// the org file, the tenants' rules and the working-day calendar.
func (a *app) organisation(o *bot.Options) error {
	if a.cfg.Org != "" {
		org, err := config.LoadOrg(a.cfg.Org)
		if err != nil {
			return fmt.Errorf("PIPBOT_ORG: %w", err)
		}
		o.Org = org
	}
	if a.cfg.Rules != "" {
		rules, err := scheduler.LoadRules(a.cfg.Rules)
		if err != nil {
			return fmt.Errorf("PIPBOT_RULES: %w", err)
		}
		a.rules = rules
	}
	var overrides map[string][]calendar.Override
	if a.cfg.Calendar != "" {
		var err error
		if overrides, err = calendar.LoadOverrides(a.cfg.Calendar); err != nil {
			return fmt.Errorf("PIPBOT_CALENDAR: %w", err)
		}
	}
	// The calendar's warnings (next year not yet published) matter to an
	// operator, so serve logs them once, after the holiday years are loaded
	// (newApp); a demo or a CLI run stays quiet.
	cal, err := calendar.New(calendar.Options{Overrides: overrides})
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	a.calendar = cal
	a.profiles = &profileRouter{byPlatform: map[string]profiler{}}
	o.Profiles = a.profiles
	o.Policy = a.rules.Policy
	o.Calendar = workCalendar{cal: cal, rules: a.rules}
	return nil
}
