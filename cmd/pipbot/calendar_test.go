package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler/calendar"
)

// holidayFixture is the calendar package's made-up 2028 notice.
const holidayFixture = "../../scheduler/calendar/testdata/holidays_2028.yaml"

// TestCalendarImport: `pipbot calendar import` refuses a bad file with
// line-numbered errors and a file that contradicts the compiled 2027,
// stores a good one, and `pipbot calendar 2028` then shows it official,
// naming the file.
func TestCalendarImport(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PIPBOT_LOCALE": "en", "PIPBOT_DB": "sqlite://" + dir + "/cal.db"}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.yaml", "2028:\n  - {date: 2028-01-01, workday: false, note: 元旦节}\n  - {date: 2028-01-01, workday: true, note: 元旦节}\n")
	_, _, err := runCmd(t, t.Context(), env, "", "calendar", "import", bad)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:3:") || !strings.Contains(err.Error(), "both a day off and a working day") {
		t.Errorf("bad file: %v; want a line-numbered refusal", err)
	}
	clash := write("clash.yaml", "2027:\n  - {date: 2027-10-08, workday: false, note: 国庆节}\n")
	if _, _, err := runCmd(t, t.Context(), env, "", "calendar", "import", clash); err == nil || !strings.Contains(err.Error(), "already official") {
		t.Errorf("a 2027 file unlike the compiled notice: %v; want refused", err)
	}
	out, _, err := runCmd(t, t.Context(), env, "", "calendar", "import", "--dry-run", holidayFixture)
	if err != nil || !strings.Contains(out, "Nothing stored") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if out, _, _ := runCmd(t, t.Context(), env, "", "calendar", "2028"); !strings.Contains(out, "provisional") {
		t.Fatalf("a dry run stored the year:\n%s", out)
	}
	if out, _, err = runCmd(t, t.Context(), env, "", "calendar", "import", holidayFixture); err != nil || !strings.Contains(out, "Stored 1 year") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, t.Context(), env, "", "calendar", "2028")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Status: official", "Data: file holidays_2028.yaml, imported ", "Sun 2028-01-23  Spring Festival"} {
		if !strings.Contains(out, want) {
			t.Errorf("calendar 2028 after import lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "provisional") {
		t.Errorf("calendar 2028 still provisional after import:\n%s", out)
	}
}

// TestCalendarHolidaysFile: PIPBOT_HOLIDAYS loads a year at start; a file
// that contradicts the compiled data stops the command with its reason.
func TestCalendarHolidaysFile(t *testing.T) {
	env := map[string]string{"PIPBOT_LOCALE": "zh", "PIPBOT_DB": "sqlite://" + t.TempDir() + "/cal.db", "PIPBOT_HOLIDAYS": holidayFixture}
	out, _, err := runCmd(t, t.Context(), env, "", "calendar", "2028")
	if err != nil || !strings.Contains(out, "状态：正式") || !strings.Contains(out, "数据：file holidays_2028.yaml") {
		t.Errorf("calendar 2028 with PIPBOT_HOLIDAYS: %v\n%s", err, out)
	}
	clash := filepath.Join(t.TempDir(), "h.yaml")
	if err := os.WriteFile(clash, []byte("2027:\n  - {date: 2027-10-08, workday: false, note: 国庆节}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env["PIPBOT_HOLIDAYS"] = clash
	if _, _, err := runCmd(t, t.Context(), env, "", "calendar", "2027"); err == nil || !strings.Contains(err.Error(), "PIPBOT_HOLIDAYS") {
		t.Errorf("a clashing PIPBOT_HOLIDAYS: %v; want refused", err)
	}
}

// TestCalendarWarningOnce: issue 11, point 6. Standing on 2027-11-01, with
// 2028 unpublished, `pipbot calendar 2028` and `pipbot calendar 2027` each
// say so exactly once across stdout and stderr; loading 2028 silences it.
func TestCalendarWarningOnce(t *testing.T) {
	dsn := "sqlite://" + t.TempDir() + "/cal.db"
	for _, tt := range []struct {
		year, holidays string
		want           int
	}{{"2028", "", 1}, {"2027", "", 1}, {"2027", holidayFixture, 0}} {
		var out, errb bytes.Buffer
		e := &env{getenv: mapEnv(map[string]string{"PIPBOT_LOCALE": "en", "PIPBOT_DB": dsn, "PIPBOT_HOLIDAYS": tt.holidays}),
			stdout: &out, stderr: &errb, now: func() time.Time { return time.Date(2027, 11, 1, 9, 0, 0, 0, time.UTC) }}
		if err := runCalendar(t.Context(), e, []string{tt.year}); err != nil {
			t.Fatal(err)
		}
		all := out.String() + errb.String()
		if got := strings.Count(all, "2028 working-day calendar not yet published"); got != tt.want {
			t.Errorf("calendar %s (PIPBOT_HOLIDAYS %q): the 2028 warning %d times, want %d:\n%s", tt.year, tt.holidays, got, tt.want, all)
		}
	}
}

// TestServeReloadsImportedYears: a year stored by an import while serve
// runs is loaded by the watcher without a restart.
func TestServeReloadsImportedYears(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DB = "sqlite://" + dir + "/cal.db"
	a, err := newApp(t.Context(), cfg, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	if a.calendar.Year("CN", 2028).Official {
		t.Fatal("2028 official before any import")
	}
	go a.watchHolidays(t.Context(), 10*time.Millisecond, time.Now)
	env := map[string]string{"PIPBOT_DB": cfg.DB}
	if _, _, err := runCmd(t, t.Context(), env, "", "calendar", "import", holidayFixture); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !a.calendar.Year("CN", 2028).Official {
		if time.Now().After(deadline) {
			t.Fatal("serve did not load the imported 2028")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ok, _ := a.calendar.IsWorkday("acme", "CN", calendar.NewDate(2028, time.January, 23)); !ok {
		t.Error("the imported make-up Sunday 2028-01-23 is not a working day")
	}
}
