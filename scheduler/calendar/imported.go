package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// imported holds the years loaded from holiday files (SetNotices). It is
// replaced as a whole, never changed in place, so a reader holding one
// under c.mu sees a consistent set.
type imported struct {
	years map[int]Notice    // year → its notice as installed
	days  map[Date]official // every day of those years
}

// CheckNotice reports whether n may be installed over the compiled data: a
// year the compiled data already publishes is accepted when the notice
// says the same (nothing to do, e.g. an old file kept after an upgrade),
// or with n.Replace; otherwise it is refused, naming the first difference.
// same is true when n adds nothing to the compiled data.
func (c *Calendar) CheckNotice(n Notice) (same bool, err error) {
	if !c.cn.isOfficial(n.Year) {
		return false, nil
	}
	compiled := c.compiledYear(n.Year)
	if diff := firstDiff(compiled, n); diff != "" {
		if n.Replace {
			return false, nil
		}
		return false, fmt.Errorf("%s: year %d is already official in the compiled data (%s) and differs from it (%s); replace it only on purpose, with pipbot calendar import --replace",
			n.Source, n.Year, c.cn.source, diff)
	}
	return true, nil
}

// SetNotices installs the years of list in place of those installed before
// (an empty list removes them). A year listed twice, or one CheckNotice
// refuses, fails the whole call and changes nothing. If the calendar
// changed, every tenant's Version moves, so the scheduler re-plans pending
// reminders; changed reports it.
func (c *Calendar) SetNotices(list []Notice) (changed bool, err error) {
	next := imported{years: map[int]Notice{}, days: map[Date]official{}}
	var errs []error
	for _, n := range list {
		if prev, dup := next.years[n.Year]; dup {
			errs = append(errs, fmt.Errorf("year %d is given twice (%s and %s)", n.Year, prev.Source, n.Source))
			continue
		}
		same, err := c.CheckNotice(n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if same {
			continue // the compiled data says the same; keep naming it as the source
		}
		next.years[n.Year] = n
		target := Date{n.Year, 1, 1}
		for _, d := range n.Holidays {
			next.days[d.Date] = official{Name: d.Name, Target: target}
		}
		for _, d := range n.MakeupDays {
			next.days[d.Date] = official{Name: d.Name, Workday: true, Target: target}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return false, fmt.Errorf("set holiday years: %w", err)
	}
	c.mu.Lock()
	changed = !maps.Equal(c.imp.days, next.days) || !slices.Equal(slices.Sorted(maps.Keys(c.imp.years)), slices.Sorted(maps.Keys(next.years)))
	if changed {
		c.epoch++
	}
	c.imp = next
	c.mu.Unlock()
	if changed {
		years := slices.Sorted(maps.Keys(next.years))
		c.log.Info("calendar holiday years loaded", "years", years, "days", len(next.days))
	}
	return changed, nil
}

// Notices lists the installed years, sorted.
func (c *Calendar) Notices() []Notice {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := slices.Collect(maps.Values(c.imp.years))
	slices.SortFunc(out, func(a, b Notice) int { return a.Year - b.Year })
	return out
}

// compiledYear is year's notice as the compiled data has it.
func (c *Calendar) compiledYear(year int) Notice {
	var n Notice
	for _, d := range c.cn.byYear[year] {
		e := c.cn.days[d]
		if e.Workday {
			n.MakeupDays = append(n.MakeupDays, Day{d, e.Name})
		} else {
			n.Holidays = append(n.Holidays, Day{d, e.Name})
		}
	}
	return n
}

// firstDiff names the first day on which two notices differ, "" if none.
// Names are compared too: a day filed under another holiday is a change.
func firstDiff(a, b Notice) string {
	index := func(n Notice) map[Date]string {
		m := map[Date]string{}
		for _, d := range n.Holidays {
			m[d.Date] = "day off, " + d.Name
		}
		for _, d := range n.MakeupDays {
			m[d.Date] = "working day, " + d.Name
		}
		return m
	}
	ma, mb := index(a), index(b)
	dates := slices.Collect(maps.Keys(ma))
	for d := range mb {
		if _, ok := ma[d]; !ok {
			dates = append(dates, d)
		}
	}
	slices.SortFunc(dates, Date.Compare)
	for _, d := range dates {
		if ma[d] != mb[d] {
			or := func(s string) string {
				if s == "" {
					return "not listed"
				}
				return s
			}
			return fmt.Sprintf("%s: compiled %s, file %s", d, or(ma[d]), or(mb[d]))
		}
	}
	return ""
}

// fileDay is one day of a holiday file as JSON writes it.
type fileDay struct {
	Date    Date   `json:"date"`
	Workday bool   `json:"workday"`
	Note    string `json:"note"`
}

// EncodeNotice writes n as a holiday file in JSON, which ParseNotices
// reads back (name it "….json"): the form a year is stored in.
func EncodeNotice(n Notice) ([]byte, error) {
	days := make([]fileDay, 0, len(n.Holidays)+len(n.MakeupDays))
	for _, d := range n.Holidays {
		days = append(days, fileDay{d.Date, false, d.Name})
	}
	for _, d := range n.MakeupDays {
		days = append(days, fileDay{d.Date, true, d.Name})
	}
	slices.SortFunc(days, func(a, b fileDay) int { return a.Date.Compare(b.Date) })
	return json.MarshalIndent(map[string][]fileDay{fmt.Sprint(n.Year): days}, "", "  ")
}
