package bot_test

import (
	"strings"
	"testing"
)

// TestConflictRunsAgain: an update whose write meets a concurrent change of
// the plan (another replica or worker committed in between) runs again on
// the plan as it is now, and is recorded once; the user is asked to retry
// only when the plan keeps changing under it.
func TestConflictRunsAgain(t *testing.T) {
	for _, tc := range []struct {
		name    string
		raced   int
		updates int
		want    string
	}{
		{"raced twice", 2, 1, "update.saved_title"},
		{"raced every time", 100, 0, "err.conflict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			inActive(w)
			before := len(w.store.updates)
			audits := len(w.store.audit)
			w.store.raced = tc.raced
			got := text(w.say(emp, "更新 销售额 42万 本周拜访8家"))
			w.store.raced = 0
			if !strings.Contains(got, literal(emp.Locale, tc.want)) {
				t.Errorf("reply %q, want %s", got, tc.want)
			}
			if n := len(w.store.updates) - before; n != tc.updates {
				t.Errorf("%d updates stored, want %d", n, tc.updates)
			}
			if n := len(w.store.audit) - audits; n != tc.updates {
				t.Errorf("%d audit entries, want %d", n, tc.updates)
			}
		})
	}
}
