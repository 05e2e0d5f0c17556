package storage

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestSentCards runs the sent-card contract on SQLite, and on PostgreSQL and
// MySQL when their variables are set.
func TestSentCards(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openTestDB(t, dsn)
		t.Run("Lifecycle", func(t *testing.T) { testSentCardLifecycle(t, db) })
		t.Run("RacingClaims", func(t *testing.T) { testSentCardRace(t, db) })
	})
}

func sentCard(tenant, msg, kind string, at time.Time) bot.SentCard {
	return bot.SentCard{Tenant: tenant, RecipientType: "open_id", Recipient: "ou_mgr", Plan: 12, Kind: kind,
		MessageID: msg, SentAt: at, Reply: []byte(`[{"to":"ou_mgr"}]`)}
}

func testSentCardLifecycle(t *testing.T, db *DB) {
	ctx := t.Context()
	day0 := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []bot.SentCard{
		sentCard("lark:life", "om_approve", "plan.approve", day0),
		sentCard("lark:life", "om_status", "", day0),
		sentCard("lark:life", "om_acked", "plan.ack", day0),
		sentCard("lark:life", "om_approve", "plan.approve", day0.Add(time.Hour)), // the same send again
	} {
		if err := db.RecordCard(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if at, ok, err := db.CardSentAt(ctx, "om_status"); err != nil || !ok || !at.Equal(day0) {
		t.Fatalf("CardSentAt = %v %v %v", at, ok, err)
	}
	if _, ok, _ := db.CardSentAt(ctx, "om_nope"); ok {
		t.Error("unknown card has a time")
	}
	if ok, err := db.CardReplaced(ctx, "om_acked", "", nil, day0.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("CardReplaced = %v %v", ok, err)
	}
	now := day0.Add(13 * 24 * time.Hour)
	if got, _ := db.ClaimStaleCards(ctx, "w1", now, day0.Add(-time.Minute), 10, time.Minute); len(got) != 0 {
		t.Fatalf("claimed %d cards younger than the cut-off", len(got))
	}
	got, err := db.ClaimStaleCards(ctx, "w1", now, now.Add(-12*24*time.Hour), 10, time.Minute)
	if err != nil || len(got) != 1 || got[0].MessageID != "om_approve" || got[0].Attempts != 1 || got[0].LeaseOwner != "w1" {
		t.Fatalf("claim = %+v, %v; want only the waiting approval", got, err)
	}
	c := got[0]
	if again, _ := db.ClaimStaleCards(ctx, "w2", now.Add(30*time.Second), now, 10, time.Minute); len(again) != 0 {
		t.Fatalf("claimed a leased card: %+v", again)
	}
	if err := db.HoldCard(ctx, c, "w2", now.Add(time.Minute)); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("HoldCard by a stranger: %v", err)
	}
	if err := db.HoldCard(ctx, c, "w1", now.Add(2*time.Minute)); err != nil {
		t.Fatalf("HoldCard: %v", err)
	}
	if again, _ := db.ClaimStaleCards(ctx, "w2", now.Add(90*time.Second), now, 10, time.Minute); len(again) != 0 {
		t.Fatalf("claimed a card whose lease was extended: %+v", again)
	}
	if err := db.CardResent(ctx, c, "w2", "om_new", now); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("CardResent by a stranger: %v", err)
	}
	if err := db.CardResent(ctx, c, "w1", "om_new", now); err != nil {
		t.Fatal(err)
	}
	if err := db.CardResent(ctx, c, "w1", "om_new2", now); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("CardResent twice: %v", err)
	}
	cards, _ := db.SentCards(ctx, "lark:life")
	var re bot.SentCard
	for _, x := range cards {
		if x.ID == c.ID {
			re = x
		}
	}
	if re.MessageID != "om_new" || re.PrevMessageID != "om_approve" || re.Generation != 1 || !re.SentAt.Equal(now) || re.LeaseOwner != "" {
		t.Fatalf("after resend: %+v", re)
	}
	if got, _ := db.ClaimStaleCards(ctx, "w1", now.Add(time.Hour), now.Add(-time.Hour), 10, time.Minute); len(got) != 0 {
		t.Fatalf("the fresh card was claimed again: %+v", got)
	}
	// A click on the old card (still inside its window) resolves the row.
	if ok, err := db.CardReplaced(ctx, "om_approve", "", nil, now.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("CardReplaced via the old id = %v %v", ok, err)
	}
	later := now.Add(13 * 24 * time.Hour)
	if got, _ := db.ClaimStaleCards(ctx, "w1", later, later, 10, time.Minute); len(got) != 0 {
		t.Fatalf("a resolved card was claimed: %+v", got)
	}
	n, err := db.PruneCards(ctx, day0.Add(15*24*time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("pruned %d, %v; want the status card and the two resolved ones", n, err)
	}
}

// testSentCardRace: two replicas claiming at once take each card once.
func testSentCardRace(t *testing.T, db *DB) {
	ctx := t.Context()
	day0 := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"om_r1", "om_r2", "om_r3", "om_r4"} {
		if err := db.RecordCard(ctx, sentCard("lark:race", id, "plan.approve", day0)); err != nil {
			t.Fatal(err)
		}
	}
	now := day0.Add(13 * 24 * time.Hour)
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for _, owner := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 4 {
				got, err := db.ClaimStaleCards(ctx, owner, now, now, 1, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, c := range got {
					if c.Tenant == "lark:race" {
						seen[c.MessageID]++
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 4 {
		t.Errorf("claimed %v, want each of 4 cards", seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s claimed %d times", id, n)
		}
	}
}
