package main

import (
	"strings"
	"testing"
)

// TestCalendarCommand: `pipbot calendar 2026` and `2027` print official
// years with their make-up days; 2028 is provisional until its notice is
// published or loaded.
func TestCalendarCommand(t *testing.T) {
	env := map[string]string{"PIPBOT_LOCALE": "en", "PIPBOT_DB": "sqlite://" + t.TempDir() + "/cal.db"}
	for _, tt := range []struct {
		year string
		want []string
	}{
		{"2026", []string{"official", "2026-02-14", "2026-10-10"}},
		{"2027", []string{"official", "lunar-go v1.4.7", "2027-01-31", "2027-02-14", "fri 2027-02-05 – sat 2027-02-13  9 days", "2027-10-09"}},
		{"2028", []string{"provisional", "2028 working-day calendar not yet published"}},
	} {
		out, _, err := runCmd(t, t.Context(), env, "", "calendar", tt.year)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range tt.want {
			if !strings.Contains(strings.ToLower(out), strings.ToLower(want)) {
				t.Errorf("calendar %s lacks %q:\n%s", tt.year, want, out)
			}
		}
	}
	if _, _, err := runCmd(t, t.Context(), env, "", "calendar", "soon"); err == nil {
		t.Error("a year that is not a number was accepted")
	}
}

// TestJobsCommand: jobs list on a fresh database says there is nothing due;
// an unknown job is an error naming the jobs.
func TestJobsCommand(t *testing.T) {
	env := map[string]string{"PIPBOT_DB": "sqlite://" + t.TempDir() + "/jobs.db"}
	out, _, err := runCmd(t, t.Context(), env, "", "jobs", "list")
	if err != nil || !strings.Contains(out, "No pending reminders") {
		t.Errorf("jobs list: %v %q", err, out)
	}
	if _, _, err := runCmd(t, t.Context(), env, "", "jobs", "run", "frobnicate", "--dry-run"); err == nil || !strings.Contains(err.Error(), "weekly_update") {
		t.Errorf("unknown job: %v", err)
	}
	// list takes no --at or --dry-run: refused, not silently ignored.
	for _, flag := range [][]string{{"--at", "2026-11-27 17:00"}, {"--dry-run"}} {
		_, errOut, err := runCmd(t, t.Context(), env, "", append([]string{"jobs", "list"}, flag...)...)
		if err == nil || !strings.Contains(errOut+err.Error(), "not defined: "+strings.TrimPrefix(flag[0], "-")) {
			t.Errorf("jobs list %v: %v %q", flag, err, errOut)
		}
	}
	out, _, err = runCmd(t, t.Context(), env, "", "jobs", "run", "weekly_update", "--at", "2026-11-27 17:00", "--dry-run")
	if err != nil || !strings.Contains(out, "dry run") {
		t.Errorf("dry run: %v %q", err, out)
	}
}
