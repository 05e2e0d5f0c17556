package main

import (
	"strings"
	"testing"
)

// TestCalendarCommand: `pipbot calendar 2026` prints the official year with
// its make-up days; 2027 is provisional until the notice is published.
func TestCalendarCommand(t *testing.T) {
	out, _, err := runCmd(t, t.Context(), map[string]string{"PIPBOT_LOCALE": "en"}, "", "calendar", "2026")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2026", "official", "2026-02-14", "2026-10-10"} {
		if !strings.Contains(strings.ToLower(out), want) {
			t.Errorf("calendar 2026 lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCmd(t, t.Context(), nil, "", "calendar", "2027", "--lang", "en")
	if err != nil || !strings.Contains(out, "provisional") {
		t.Errorf("calendar 2027: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, t.Context(), nil, "", "calendar", "soon"); err == nil {
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
	out, _, err = runCmd(t, t.Context(), env, "", "jobs", "run", "weekly_update", "--at", "2026-11-27 17:00", "--dry-run")
	if err != nil || !strings.Contains(out, "dry run") {
		t.Errorf("dry run: %v %q", err, out)
	}
}
