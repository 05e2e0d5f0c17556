package calendar

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Notice is one year's State Council notice read from a holiday file
// rather than compiled in, so that an operator can load a year the day its
// notice appears instead of waiting for a lunar-go release (notices come
// out between late October and early December, every year).
type Notice struct {
	Year int
	// Holidays are the days off and MakeupDays the weekend working days
	// (调休), each named after its holiday, sorted by date.
	Holidays   []Day
	MakeupDays []Day
	// Source says where the notice was read from; `pipbot calendar YEAR`
	// shows it ("file holidays-2027.yaml").
	Source string
	// Replace allows the notice to replace a year the compiled data already
	// publishes with different days (a notice changed mid-year, as 2019's
	// May Day was). Without it such a notice is refused.
	Replace bool

	line  int          // the year's line in its file, for messages
	lines map[Date]int // each day's line
}

// holidayShape is the holiday file: years → lists of days.
var holidayShape = shape{key: "year", list: "days"}

// LoadNotices reads a holiday file: the override file's format and checks,
// keyed by year instead of tenant, the note being the holiday's name as in
// the notice:
//
//	2027:
//	  - {date: 2027-01-01, workday: false, note: 元旦节}
//	  - {date: 2027-01-31, workday: true, note: 春节}
//
// Beyond the override file's checks (line-numbered, all at once), a year
// is refused when a key is not a year, a date lies outside the year (from
// 29 December of the year before, where 元旦 days have fallen, to 31
// December), a day is listed twice (off and working, or twice alike), a
// make-up day is not a Saturday or Sunday or belongs to a holiday with no
// day off, a note is missing, or the year has no day off at all (an empty
// list is an unpublished year, not a year without holidays).
func LoadNotices(path string) ([]Notice, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load holiday file: %w", err)
	}
	return ParseNotices(filepath.Base(path), data)
}

// ParseNotices is LoadNotices for data already read, e.g. a year stored in
// the database; name (its extension picks JSON or YAML) heads every error.
func ParseNotices(name string, data []byte) ([]Notice, error) {
	entries, err := parseFile(name, data, holidayShape)
	if err == nil {
		var out []Notice
		if out, err = collectNotices(name, entries); err == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("load holiday file: %w", err)
}

// collectNotices validates parsed entries and groups them into notices.
func collectNotices(file string, entries []fileEntry) ([]Notice, error) {
	var out []*Notice
	var errs []error
	bad := func(e fileEntry, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", e.where(file), fmt.Sprintf(format, args...)))
	}
	var n *Notice
	skip := false // the current year's key is bad; its entries are not checked
	for _, e := range entries {
		if e.index == 0 {
			y, err := strconv.Atoi(e.tenant)
			skip = err != nil || y < 1949 || y > 2200
			if skip {
				errs = append(errs, fmt.Errorf("%s:%d: year %q: want a year such as 2027", file, e.line, e.tenant))
				continue
			}
			n = &Notice{Year: y, Source: "file " + file, line: e.line, lines: map[Date]int{}}
			out = append(out, n)
			continue
		}
		if skip {
			continue
		}
		for _, fe := range e.errs {
			errs = append(errs, fmt.Errorf("%s: %s", e.whereLine(file, fe.line), fe.msg))
		}
		if len(e.errs) > 0 {
			continue
		}
		if d, ok := checkDay(n, e, bad); ok {
			n.lines[d] = e.line
			day := Day{d, e.note}
			if *e.workday {
				n.MakeupDays = append(n.MakeupDays, day)
			} else {
				n.Holidays = append(n.Holidays, day)
			}
		}
	}
	for _, n := range out {
		errs = append(errs, n.checkWhole(file)...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	list := make([]Notice, 0, len(out))
	for _, n := range out {
		list = append(list, *n)
	}
	slices.SortFunc(list, func(a, b Notice) int { return a.Year - b.Year })
	return list, nil
}

// checkDay checks one entry of notice n, reporting through bad.
func checkDay(n *Notice, e fileEntry, bad func(fileEntry, string, ...any)) (Date, bool) {
	if e.date == nil {
		bad(e, "field date is required (YYYY-MM-DD)")
		return Date{}, false
	}
	d, err := ParseDate(*e.date)
	if err != nil {
		bad(e, "field date: %v", err)
		return Date{}, false
	}
	if e.workday == nil {
		bad(e, "field workday is required (true or false)")
		return Date{}, false
	}
	if strings.TrimSpace(e.note) == "" {
		bad(e, "field note is required: the holiday's name as in the notice (元旦节, 春节, 国庆节 …)")
		return Date{}, false
	}
	from, to := Date{n.Year - 1, time.December, yearEndFrom}, Date{n.Year, time.December, 31}
	if d.Compare(from) < 0 || d.Compare(to) > 0 {
		bad(e, "date %s is outside %d's notice (want %s to %s)", d, n.Year, from, to)
		return Date{}, false
	}
	if line, dup := n.lines[d]; dup {
		if wasWork := slices.ContainsFunc(n.MakeupDays, func(x Day) bool { return x.Date == d }); wasWork != *e.workday {
			bad(e, "date %s is both a day off and a working day (see line %d)", d, line)
		} else {
			bad(e, "date %s is already listed on line %d", d, line)
		}
		return Date{}, false
	}
	if wd := d.Weekday(); *e.workday && wd != time.Saturday && wd != time.Sunday {
		bad(e, "date %s is a %s: a make-up working day (workday: true) is a Saturday or Sunday", d, wd)
		return Date{}, false
	}
	return d, true
}

// checkWhole checks what no single entry shows: the year has days off, and
// every make-up day belongs to a holiday with days off.
func (n *Notice) checkWhole(file string) []error {
	var errs []error
	if len(n.Holidays) == 0 {
		errs = append(errs, fmt.Errorf("%s:%d: year %d lists no day off; leave a year out until its notice is published", file, n.line, n.Year))
	}
	for _, m := range n.MakeupDays {
		if !slices.ContainsFunc(n.Holidays, func(h Day) bool { return h.Name == m.Name }) {
			errs = append(errs, fmt.Errorf("%s:%d: year %d: make-up day %s belongs to %q, which has no day off in this notice", file, n.lines[m.Date], n.Year, m.Date, m.Name))
		}
	}
	byDate := func(a, b Day) int { return a.Date.Compare(b.Date) }
	slices.SortFunc(n.Holidays, byDate)
	slices.SortFunc(n.MakeupDays, byDate)
	return errs
}
