package inboundtest

import "testing"

// CheckOnceEach checks that the engine handled want distinct events, each
// exactly once (handled lists the event id of every command it ran), and
// that f stored want deliveries: no event lost, none applied twice.
func (f *Inbox) CheckOnceEach(t testing.TB, handled []string, want int) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range handled {
		seen[id]++
	}
	if len(seen) != want {
		t.Errorf("%d distinct events handled, want %d", len(seen), want)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s handled %d times", id, n)
		}
	}
	if n := len(f.Stored()); n != want {
		t.Errorf("stored %d deliveries, want %d", n, want)
	}
}
