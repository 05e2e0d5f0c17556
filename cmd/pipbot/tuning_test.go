package main

import (
	"testing"
	"time"
)

// TestParseTuning: the link-time tuning reads its three settings, is empty
// by default, and refuses what it does not know.
func TestParseTuning(t *testing.T) {
	got, err := parseTuning("pace=20,lease=20s,dispatch=2s")
	if want := (tuning{pace: 20, lease: 20 * time.Second, dispatch: 2 * time.Second}); err != nil || got != want {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
	if got, err := parseTuning(linkTuning); err != nil || got != (tuning{}) {
		t.Errorf("default tuning %+v, %v; want none", got, err)
	}
	if got := (tuning{}).larkLimits(); got.AppPerMinute.PerSecond != 0 {
		t.Errorf("untuned Feishu limits %+v, want zero (the sender's defaults)", got)
	}
	for _, bad := range []string{"pace=0", "pace=x", "lease=1", "speed=2"} {
		if _, err := parseTuning(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
