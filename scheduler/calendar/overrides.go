package calendar

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Override is a tenant's own decision about one day: a company day off, a
// working Saturday, or a correction while the official notice is late or
// changed mid-year (as 2019's May Day was). It wins over every other rule.
type Override struct {
	Date    Date   `json:"date" yaml:"date"`
	Workday bool   `json:"workday" yaml:"workday"`
	Note    string `json:"note,omitempty" yaml:"note,omitempty"`
}

// SetOverrides replaces tenant's overrides (an empty list removes them) and
// bumps Version(tenant) if anything changed, so the scheduler knows to
// re-plan that tenant's pending reminders. A list naming a day twice, or a
// zero date, is refused as a whole.
func (c *Calendar) SetOverrides(tenant string, list []Override) error {
	next := make(map[Date]Override, len(list))
	var errs []error
	for i, o := range list {
		switch _, dup := next[o.Date]; {
		case o.Date.IsZero():
			errs = append(errs, fmt.Errorf("override %d: date is missing", i+1))
		case o.Date != NewDate(o.Date.Year, o.Date.Month, o.Date.Day):
			errs = append(errs, fmt.Errorf("override %d: date %s does not exist", i+1, o.Date))
		case dup:
			errs = append(errs, fmt.Errorf("override %d: date %s is listed twice", i+1, o.Date))
		default:
			next[o.Date] = o
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("set overrides for tenant %q: %w", tenant, err)
	}

	c.mu.Lock()
	changed := !maps.Equal(c.overrides[tenant], next)
	if changed {
		if len(next) == 0 {
			delete(c.overrides, tenant)
		} else {
			c.overrides[tenant] = next
		}
		c.versions[tenant]++
	}
	version := c.versions[tenant]
	c.mu.Unlock()

	if changed {
		c.log.Info("calendar overrides set", "tenant", tenant, "days", len(next), "version", version)
	}
	return nil
}

// Overrides returns tenant's overrides sorted by date, for the admin's
// override editor and `pipbot calendar`.
func (c *Calendar) Overrides(tenant string) []Override {
	c.mu.RLock()
	list := slices.Collect(maps.Values(c.overrides[tenant]))
	c.mu.RUnlock()
	slices.SortFunc(list, func(a, b Override) int { return a.Date.Compare(b.Date) })
	return list
}

// Version counts the changes to tenant's calendar in this process: 0 until
// its overrides are first set or a holiday year is loaded, then one more per
// change (setting the same list or years again is not a change). Reminders record it when planned; a pending
// reminder with an older version is planned again. It is per process and
// starts afresh on restart, so plan again after a restart too.
func (c *Calendar) Version(tenant string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.versions[tenant] + c.epoch
}
