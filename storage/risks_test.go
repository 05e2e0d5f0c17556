package storage

import (
	"errors"
	"sync"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// testRiskMarks: the last rating per plan is a compare-and-swap: the
// first rating and every move report changed once, a repeat does not, a
// rolled-back transaction leaves nothing, tenants are apart, and of eight
// writers racing the same move exactly one wins.
func testRiskMarks(t *testing.T, db *DB) {
	ctx := t.Context()
	const tenant, other = "t-risk", "t-risk-other"
	mark := func(tenant string, id int64, l bot.RiskLevel) (bot.RiskLevel, bool) {
		t.Helper()
		prev, changed, err := db.MarkRisk(ctx, tenant, id, l, at(3, 10))
		if err != nil {
			t.Fatalf("MarkRisk: %v", err)
		}
		return prev, changed
	}
	if prev, changed := mark(tenant, 1, bot.RiskOnTrack); prev != "" || !changed {
		t.Errorf("first rating: %q, %v", prev, changed)
	}
	if _, changed := mark(tenant, 1, bot.RiskOnTrack); changed {
		t.Error("the same rating again reported a change")
	}
	if prev, changed := mark(tenant, 1, bot.RiskAtRisk); prev != bot.RiskOnTrack || !changed {
		t.Errorf("move: %q, %v", prev, changed)
	}
	if prev, changed := mark(other, 1, bot.RiskCritical); prev != "" || !changed {
		t.Errorf("other tenant's plan 1: %q, %v", prev, changed)
	}
	boom := errors.New("boom")
	err := db.InTx(ctx, func(tx bot.Store) error {
		if _, _, err := tx.MarkRisk(ctx, tenant, 1, bot.RiskCritical, at(3, 11)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	got, err := db.RiskLevels(ctx, tenant, []int64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[1] != bot.RiskAtRisk {
		t.Errorf("RiskLevels after a rollback = %v, want plan 1 at risk only", got)
	}
	// Eight replicas see plan 1 turn critical at once: one alerts.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Go(func() {
			err := db.InTx(ctx, func(tx bot.Store) error {
				_, changed, err := tx.MarkRisk(ctx, tenant, 1, bot.RiskCritical, at(3, 12))
				if changed {
					mu.Lock()
					wins++
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				t.Errorf("racing MarkRisk: %v", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d writers recorded the turn to critical, want 1", wins)
	}
	// And the same race for a plan's first rating.
	wins = 0
	for range 8 {
		wg.Go(func() {
			_, changed, err := db.MarkRisk(ctx, tenant, 7, bot.RiskCritical, at(3, 12))
			if err != nil {
				t.Errorf("racing first MarkRisk: %v", err)
			}
			if changed {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d writers recorded the first rating, want 1", wins)
	}
}
