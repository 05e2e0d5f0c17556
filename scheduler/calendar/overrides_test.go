package calendar

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOverridesWin(t *testing.T) {
	c := newCal(t, map[string][]Override{
		"acme": {
			{Date: Date{2026, time.October, 2}, Workday: true, Note: "on call"}, // an official holiday
			{Date: Date{2026, time.October, 10}, Workday: false},                // an official make-up Saturday
			{Date: Date{2026, time.October, 11}, Workday: true},                 // an ordinary Sunday
			{Date: Date{2026, time.July, 3}, Workday: false, Note: "July 4th"},  // an ordinary Friday
			{Date: Date{2027, time.February, 5}, Workday: true},                 // a statutory day in a provisional year
		},
	})
	tests := []struct {
		tenant, region, date string
		want                 bool
		reason               Reason
	}{
		{"acme", "CN", "2026-10-02", true, ReasonOverride},
		{"other", "CN", "2026-10-02", false, ReasonHoliday},
		{"acme", "CN", "2026-10-10", false, ReasonOverride},
		{"other", "CN", "2026-10-10", true, ReasonMakeup},
		{"acme", "CN", "2026-10-11", true, ReasonOverride},
		{"acme", "US", "2026-07-03", false, ReasonOverride},
		{"other", "US", "2026-07-03", true, ReasonWeekday},
		{"acme", "CN", "2027-02-05", true, ReasonOverride},
	}
	for _, tt := range tests {
		got, info := c.IsWorkday(tt.tenant, tt.region, day(t, tt.date))
		if got != tt.want || info.Reason != tt.reason || info.Provisional {
			t.Errorf("IsWorkday(%s, %s, %s) = %v, %+v; want %v, %s", tt.tenant, tt.region, tt.date, got, info, tt.want, tt.reason)
		}
	}
	if _, info := c.IsWorkday("acme", "CN", day(t, "2026-10-02")); info.Note != "on call" {
		t.Errorf("override note = %q, want %q", info.Note, "on call")
	}
	// Before 10-09: 10-08, the overridden 10-02, 09-30 (others: 10-08, 09-30, 09-29).
	if got := c.AddWorkdays("acme", "CN", day(t, "2026-10-09"), -3); got.String() != "2026-09-30" {
		t.Errorf("AddWorkdays with overrides = %v, want 2026-09-30", got)
	}
	if got := c.AddWorkdays("other", "CN", day(t, "2026-10-09"), -3); got.String() != "2026-09-29" {
		t.Errorf("AddWorkdays without overrides = %v, want 2026-09-29", got)
	}
}

func TestVersion(t *testing.T) {
	c := newCal(t, nil)
	d := Date{2026, time.March, 3}
	steps := []struct {
		list []Override
		want int
	}{
		{nil, 0}, // nothing to remove: no change
		{[]Override{{Date: d}}, 1},
		{[]Override{{Date: d}}, 1}, // the same list: no change
		{[]Override{{Date: d, Workday: true}}, 2},
		{[]Override{{Date: d, Workday: true}, {Date: d.AddDays(1)}}, 3},
		{nil, 4},
	}
	for i, s := range steps {
		if err := c.SetOverrides("acme", s.list); err != nil {
			t.Fatal(err)
		}
		if got := c.Version("acme"); got != s.want {
			t.Errorf("step %d: Version = %d, want %d", i, got, s.want)
		}
	}
	if got := c.Version("other"); got != 0 {
		t.Errorf("untouched tenant Version = %d, want 0", got)
	}
}

func TestSetOverridesRejects(t *testing.T) {
	c := newCal(t, nil)
	d := Date{2026, time.March, 3}
	if err := c.SetOverrides("acme", []Override{{Date: d}}); err != nil {
		t.Fatal(err)
	}
	err := c.SetOverrides("acme", []Override{{Date: d}, {}, {Date: d, Workday: true}, {Date: Date{2026, time.February, 30}}})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`tenant "acme"`, "override 2: date is missing", "override 3: date 2026-03-03 is listed twice", "override 4: date 2026-02-30 does not exist"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if c.Version("acme") != 1 || len(c.Overrides("acme")) != 1 {
		t.Error("a refused list changed the calendar")
	}
	if _, err := New(Options{Overrides: map[string][]Override{"acme": {{}}}}); err == nil {
		t.Error("New accepted a bad override")
	}
}

func TestOverridesSorted(t *testing.T) {
	c := newCal(t, map[string][]Override{"acme": {{Date: Date{2026, 5, 2}}, {Date: Date{2026, 1, 9}}, {Date: Date{2026, 3, 1}}}})
	var got []string
	for _, o := range c.Overrides("acme") {
		got = append(got, o.Date.String())
	}
	if strings.Join(got, " ") != "2026-01-09 2026-03-01 2026-05-02" {
		t.Errorf("Overrides = %v, want sorted", got)
	}
}

// TestConcurrentUse is for `go test -race`: planners read while an admin
// edits overrides.
func TestConcurrentUse(t *testing.T) {
	c := newCal(t, nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				d := Date{2027 + g%2, time.January, 1}.AddDays(i)
				c.IsWorkday("acme", "CN", d)
				c.AddWorkdays("acme", "CN", d, -3)
				if i%20 == 0 {
					_ = c.SetOverrides("acme", []Override{{Date: d}})
					c.Version("acme")
					c.Year("CN", 2028+g)
				}
			}
		})
	}
	wg.Wait()
}
