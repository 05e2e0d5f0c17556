package storage

import (
	"context"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestEffects: an event's effect is recorded in its change's transaction;
// a second record of the same event fails and rolls its change back, so
// two runs of one event commit one change; its replies are kept; tenants
// are apart; old records are purged.
func TestEffects(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openTestDB(t, dsn)
		ctx := context.Background()
		if _, ok, err := db.Effect(ctx, "t1", "ev-1"); err != nil || ok {
			t.Fatalf("unknown event: ok %v, %v", ok, err)
		}
		change := func(number int) error {
			return db.InTx(ctx, func(tx bot.Store) error {
				p := &bot.Plan{Tenant: "t1", EmployeeID: "e", Status: bot.StatusDraft, Cycle: 1}
				if err := tx.CreatePlan(ctx, p); err != nil {
					return err
				}
				return tx.RecordEffect(ctx, "t1", "ev-1")
			})
		}
		if err := change(1); err != nil {
			t.Fatal(err)
		}
		if err := change(2); err == nil {
			t.Fatal("the same event recorded twice")
		}
		plans, _ := db.ListPlans(ctx, "t1", bot.PlanQuery{})
		if len(plans) != 1 {
			t.Fatalf("%d plans: the second run's change was not rolled back", len(plans))
		}
		raw, ok, err := db.Effect(ctx, "t1", "ev-1")
		if err != nil || !ok || raw != nil {
			t.Fatalf("recorded effect: %q %v %v", raw, ok, err)
		}
		if err := db.SaveEffectReplies(ctx, "t1", "ev-1", []byte(`[{"to":"u"}]`)); err != nil {
			t.Fatal(err)
		}
		if raw, _, _ := db.Effect(ctx, "t1", "ev-1"); string(raw) != `[{"to":"u"}]` {
			t.Fatalf("kept replies %q", raw)
		}
		if _, ok, _ := db.Effect(ctx, "t2", "ev-1"); ok {
			t.Fatal("another tenant sees the effect")
		}
		if err := db.SaveEffectReplies(ctx, "t2", "ev-1", []byte("[]")); err == nil {
			t.Fatal("replies kept for an event that took no effect")
		}
		if n, err := db.PurgeEffects(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("purge: %d, %v", n, err)
		}
		if _, ok, _ := db.Effect(ctx, "t1", "ev-1"); ok {
			t.Fatal("purged effect still there")
		}
	})
}
