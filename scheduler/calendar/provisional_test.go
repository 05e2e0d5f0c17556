package calendar

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

// 2028 is the first year lunar-go v1.4.7 lacks (TestOfficialYearsCovered).
func TestUnpublishedYear(t *testing.T) {
	c := newCal(t, nil)
	got := c.Year("CN", 2028)
	if got.Official || len(got.MakeupDays) != 0 {
		t.Fatalf("2028: Official %v, make-up days %v; want provisional with none", got.Official, got.MakeupDays)
	}
	var want []Day
	for _, p := range []struct {
		name, from string
		n          int
	}{
		{"元旦节", "2028-01-01", 1},
		{"春节", "2028-01-25", 4},  // 除夕 01-25 to 初三 01-28; 正月初一 is 2028-01-26
		{"清明节", "2028-04-04", 1}, // the Qingming solar term
		{"劳动节", "2028-05-01", 2},
		{"端午节", "2028-05-28", 1}, // lunar 5/5, a Sunday: no substitute is invented
		{"国庆节", "2028-10-01", 2},
		{"中秋节", "2028-10-03", 1}, // lunar 8/15 falls on 国庆 day 3; the earlier holiday in the law names it
	} {
		for i := range p.n {
			want = append(want, Day{day(t, p.from).AddDays(i), p.name})
		}
	}
	if !equalDays(got.Holidays, want) {
		t.Errorf("2028 holidays:\n got %v\nwant %v", got.Holidays, want)
	}

	tests := []struct {
		date   string
		want   bool
		reason Reason
	}{
		{"2028-01-25", false, ReasonStatutory}, // 除夕, a Tuesday
		{"2028-01-28", false, ReasonStatutory}, // 初三, a Friday
		{"2028-01-31", true, ReasonWeekday},    // 初六: no bridging is invented
		{"2028-01-29", false, ReasonWeekend},   // no make-up Saturday is invented
		{"2028-10-02", false, ReasonStatutory},
		{"2028-10-04", true, ReasonWeekday},
		{"2028-05-28", false, ReasonStatutory}, // a Sunday
		{"2028-05-29", true, ReasonWeekday},    // and no Monday in lieu
		{"2028-04-04", false, ReasonStatutory},
	}
	for _, tt := range tests {
		ok, info := c.IsWorkday("acme", "CN", day(t, tt.date))
		if ok != tt.want || info.Reason != tt.reason || !info.Provisional {
			t.Errorf("IsWorkday(%s) = %v, %+v; want %v, %s, provisional", tt.date, ok, info, tt.want, tt.reason)
		}
	}
	if got := c.AddWorkdays("acme", "CN", day(t, "2028-01-31"), -3); got.String() != "2028-01-20" {
		t.Errorf("notice for 2028-01-31 = %v, want 2028-01-20", got)
	}
}

func TestYearEndWaitsForNextNotice(t *testing.T) {
	c := newCal(t, nil)
	// The 2028 notice may still move 2027-12-29..31 (元旦 make-up days and
	// days off have fallen there before), so they are provisional; 2026's
	// last days are settled now that 2027 is published.
	for _, tt := range []struct {
		date        string
		provisional bool
	}{{"2027-12-28", false}, {"2027-12-29", true}, {"2027-12-31", true}, {"2026-12-31", false}, {"2025-12-31", false}} {
		if _, info := c.IsWorkday("acme", "CN", day(t, tt.date)); info.Provisional != tt.provisional {
			t.Errorf("%s provisional = %v, want %v", tt.date, info.Provisional, tt.provisional)
		}
	}
}

func TestWarnings(t *testing.T) {
	c := newCal(t, nil)
	cst := time.FixedZone("CST", 8*3600)
	msg := func(y string) string {
		return y + " working-day calendar not yet published; using statutory holidays and Mon–Fri, provisional"
	}
	tests := []struct {
		now  time.Time
		want []string
	}{
		{time.Date(2026, 10, 20, 9, 0, 0, 0, cst), nil}, // 2027 is published (v1.4.7)
		{time.Date(2027, 6, 1, 9, 0, 0, 0, cst), nil},
		{time.Date(2027, 10, 14, 23, 59, 0, 0, cst), nil},
		{time.Date(2027, 10, 15, 0, 0, 0, 0, cst), []string{msg("2028")}},
		{time.Date(2027, 12, 10, 9, 0, 0, 0, cst), []string{msg("2028")}},
		{time.Date(2028, 3, 1, 9, 0, 0, 0, cst), []string{msg("2028")}},
		{time.Date(2028, 10, 20, 9, 0, 0, 0, cst), []string{msg("2028"), msg("2029")}},
	}
	for _, tt := range tests {
		if got := c.Warnings(tt.now); !slices.Equal(got, tt.want) {
			t.Errorf("Warnings(%v) = %q, want %q", tt.now, got, tt.want)
		}
	}
}

// TestNewLogsCoverageOnly: New logs what the data covers but not the
// warnings, which its caller shows once where its user looks (issue 11,
// point 6: each warning printed once).
func TestNewLogsCoverageOnly(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	c, err := New(Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"official_from=2002", "official_to=2027", "lunar-go v1.4.7"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if w := c.Warnings(time.Date(2027, 11, 1, 12, 0, 0, 0, time.UTC)); len(w) != 1 || strings.Contains(out, "not yet published") || strings.Contains(out, "level=WARN") {
		t.Errorf("New logged a warning its caller shows (%q):\n%s", w, out)
	}
}
