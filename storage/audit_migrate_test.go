package storage

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// legacyAuditRow is audit_log as it was before the hash chain.
type legacyAuditRow struct {
	ID       int64  `gorm:"primaryKey;autoIncrement"`
	Tenant   string `gorm:"size:191;not null;index:idx_audit_log_plan,priority:1"`
	PlanID   int64  `gorm:"not null;index:idx_audit_log_plan,priority:2"`
	ActorID  string `gorm:"size:191;not null"`
	Role     string `gorm:"size:32;not null"`
	Platform string `gorm:"size:32;not null"`
	Action   string `gorm:"size:64;not null"`
	From     string `gorm:"column:from_value"`
	To       string `gorm:"column:to_value"`
	Detail   string
	At       *time.Time
}

func (legacyAuditRow) TableName() string { return "audit_log" }

// TestAuditMigrateLegacy migrates a database whose audit_log predates the
// chain: each tenant's rows are sealed once, in (at, id) order with rows
// without a time first, and verify; a second Migrate changes no row; and a
// row slipped in afterwards stays out of the chain, however often Migrate
// runs, and is reported.
func TestAuditMigrateLegacy(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		ctx := t.Context()
		db, g := openLegacy(t, dsn, &legacyAuditRow{})
		// Inserted out of time order; want is each tenant's expected chain order.
		rows := []legacyAuditRow{
			{Tenant: "t-old-a", PlanID: 1, ActorID: "m", Role: "manager", Platform: "lark", Action: "plan.submit", At: toDBTime(at(3, 9))},
			{Tenant: "t-old-a", PlanID: 1, ActorID: "m", Role: "manager", Platform: "lark", Action: "plan.create", At: toDBTime(at(1, 9))},
			{Tenant: "t-old-b", PlanID: 7, ActorID: "x", Role: "hr", Platform: "slack", Action: "plan.create", Detail: "详情", At: toDBTime(at(2, 9))},
			{Tenant: "t-old-a", PlanID: 2, ActorID: "m", Role: "manager", Platform: "lark", Action: "plan.create", At: toDBTime(at(3, 9))},
			{Tenant: "t-old-a", PlanID: 1, ActorID: "e", Role: "employee", Platform: "lark", Action: "plan.note"}, // no time
			{Tenant: "t-old-b", PlanID: 7, ActorID: "x", Role: "hr", Platform: "slack", Action: "plan.approve", At: toDBTime(at(1, 9))},
		}
		if err := g.Create(&rows).Error; err != nil {
			t.Fatal(err)
		}
		id := func(i int) int64 { return rows[i].ID }
		want := map[string][]int64{
			"t-old-a": {id(4), id(1), id(0), id(3)}, // no time, day 1, day 3 (lower id first), day 3
			"t-old-b": {id(5), id(2)},
		}

		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		for tenant, ids := range want {
			var got []int64
			if err := g.Model(&auditRow{}).Where("tenant = ?", tenant).Order("seq").Pluck("id", &got).Error; err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, ids) {
				t.Errorf("%s: ids in seq order %v, want %v", tenant, got, ids)
			}
			c, err := db.VerifyAudit(ctx, tenant, 0)
			if err != nil || !c.OK() || c.Checked != len(ids) {
				t.Errorf("%s: VerifyAudit after Migrate = %+v, %v; want OK with %d checked", tenant, c, err, len(ids))
			}
		}

		before := chainSnapshot(t, ctx, db)
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		if diff := cmp.Diff(before, chainSnapshot(t, ctx, db)); diff != "" {
			t.Errorf("second Migrate changed the chains (-before +after):\n%s", diff)
		}

		exec(t, db, "INSERT INTO audit_log (tenant, plan_id, actor_id, role, platform, action) VALUES (?, ?, ?, ?, ?, ?)",
			"t-old-b", 7, "x", "hr", "slack", "plan.close")
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("third Migrate: %v", err)
		}
		c, err := db.VerifyAudit(ctx, "t-old-b", 0)
		if err != nil || c.Broken != "hash" || c.BrokenSeq != 0 {
			t.Errorf("VerifyAudit with a row slipped in before a Migrate = %+v, %v; want hash broken at seq 0", c, err)
		}
	})
}

// chainSnapshot is every audit row's place in its chain and every head.
func chainSnapshot(t *testing.T, ctx context.Context, db *DB) []string {
	t.Helper()
	var rows []auditRow
	if err := db.gdb.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var heads []auditHeadRow
	if err := db.gdb.WithContext(ctx).Order("tenant").Find(&heads).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("row %d %s seq %d at %v prev %s hash %s", r.ID, r.Tenant, r.Seq, fromDBTime(r.At), r.PrevHash, r.Hash))
	}
	for _, h := range heads {
		out = append(out, fmt.Sprintf("head %s seq %d hash %s", h.Tenant, h.Seq, h.Hash))
	}
	return out
}
