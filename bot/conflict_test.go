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

// TestConflictWithTheSameEvent: when the change that won was this very
// event, handled at once by another worker, the run that lost answers that
// it took effect, and records nothing more.
func TestConflictWithTheSameEvent(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	before, audits := len(w.store.updates), len(w.store.audit)
	w.store.raced, w.store.racedEffect = 1, w.tenant+"|ev-1"
	replies, err := w.once(emp, "ev-1", "更新 销售额 42万 本周拜访8家", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(replies); !strings.Contains(got, literal(emp.Locale, "done.already")) {
		t.Errorf("reply %q, want done.already", got)
	}
	if n := len(w.store.updates) - before; n != 0 {
		t.Errorf("%d updates stored, want 0", n)
	}
	if n := len(w.store.audit) - audits; n != 0 {
		t.Errorf("%d audit entries, want 0", n)
	}
}
