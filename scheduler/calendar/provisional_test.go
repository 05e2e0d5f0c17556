package calendar

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

// 2027 is the first year lunar-go v1.4.6 lacks (TestOfficialYearsCovered).
func TestUnpublishedYear(t *testing.T) {
	c := newCal(t, nil)
	got := c.Year("CN", 2027)
	if got.Official || len(got.MakeupDays) != 0 {
		t.Fatalf("2027: Official %v, make-up days %v; want provisional with none", got.Official, got.MakeupDays)
	}
	var want []Day
	for _, p := range []struct {
		name, from string
		n          int
	}{
		{"元旦节", "2027-01-01", 1},
		{"春节", "2027-02-05", 4},  // 除夕 02-05 to 初三 02-08; 正月初一 is 2027-02-06
		{"清明节", "2027-04-05", 1}, // the Qingming solar term
		{"劳动节", "2027-05-01", 2},
		{"端午节", "2027-06-09", 1}, // lunar 5/5
		{"中秋节", "2027-09-15", 1}, // lunar 8/15
		{"国庆节", "2027-10-01", 3},
	} {
		for i := range p.n {
			want = append(want, Day{day(t, p.from).AddDays(i), p.name})
		}
	}
	if !equalDays(got.Holidays, want) {
		t.Errorf("2027 holidays:\n got %v\nwant %v", got.Holidays, want)
	}

	tests := []struct {
		date   string
		want   bool
		reason Reason
	}{
		{"2027-02-05", false, ReasonStatutory}, // 除夕, a Friday
		{"2027-02-07", false, ReasonStatutory}, // a Sunday inside Spring Festival
		{"2027-02-09", true, ReasonWeekday},    // 初四: no bridging is invented
		{"2027-02-06", false, ReasonStatutory},
		{"2027-10-02", false, ReasonStatutory},
		{"2027-10-04", true, ReasonWeekday},
		{"2027-02-20", false, ReasonWeekend}, // no make-up Saturday is invented
		{"2027-04-05", false, ReasonStatutory},
	}
	for _, tt := range tests {
		ok, info := c.IsWorkday("acme", "CN", day(t, tt.date))
		if ok != tt.want || info.Reason != tt.reason || !info.Provisional {
			t.Errorf("IsWorkday(%s) = %v, %+v; want %v, %s, provisional", tt.date, ok, info, tt.want, tt.reason)
		}
	}
	if got := c.AddWorkdays("acme", "CN", day(t, "2027-02-09"), -3); got.String() != "2027-02-02" {
		t.Errorf("notice for 2027-02-09 = %v, want 2027-02-02", got)
	}
}

func TestYearEndWaitsForNextNotice(t *testing.T) {
	c := newCal(t, nil)
	// The 2027 notice may still move 2026-12-29..31 (元旦 make-up days and
	// days off have fallen there before), so they are provisional.
	for _, tt := range []struct {
		date        string
		provisional bool
	}{{"2026-12-28", false}, {"2026-12-31", true}, {"2025-12-31", false}} {
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
		{time.Date(2025, 10, 20, 9, 0, 0, 0, cst), nil}, // 2026 is published
		{time.Date(2026, 6, 1, 9, 0, 0, 0, cst), nil},
		{time.Date(2026, 10, 14, 23, 59, 0, 0, cst), nil},
		{time.Date(2026, 10, 15, 0, 0, 0, 0, cst), []string{msg("2027")}},
		{time.Date(2026, 12, 10, 9, 0, 0, 0, cst), []string{msg("2027")}},
		{time.Date(2027, 3, 1, 9, 0, 0, 0, cst), []string{msg("2027")}},
		{time.Date(2027, 10, 20, 9, 0, 0, 0, cst), []string{msg("2027"), msg("2028")}},
	}
	for _, tt := range tests {
		if got := c.Warnings(tt.now); !slices.Equal(got, tt.want) {
			t.Errorf("Warnings(%v) = %q, want %q", tt.now, got, tt.want)
		}
	}
}

func TestNewLogsWarnings(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	if _, err := New(Options{Now: at(t, "2026-11-01"), Log: log}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"official_from=2002", "official_to=2026", "level=WARN", "2027 working-day calendar not yet published"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
