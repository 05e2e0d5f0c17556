package storage

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestAuditChain runs the audit chain's contract on every SQL database:
// entries read back hash as they were sealed, every kind of tampering with
// raw SQL is reported at the right entry, and other tenants' chains stay OK.
func TestAuditChain(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openTestDB(t, dsn)
		t.Run("HashRoundTrip", func(t *testing.T) { testAuditHashRoundTrip(t, db) })
		t.Run("Tamper", func(t *testing.T) { testAuditTamper(t, db) })
		t.Run("Tenants", func(t *testing.T) { testAuditTenants(t, db) })
	})
}

// testAuditHashRoundTrip appends entries whose times have nanoseconds and a
// zone, or are zero, and checks that each one read back has the hash it was
// sealed with, and that the chain links them.
func testAuditHashRoundTrip(t *testing.T, db *DB) {
	ctx := t.Context()
	const tenant = "t-audit-round"
	p := mustCreate(t, db, newPlan(tenant, "e", "m"))
	in := []bot.AuditEntry{
		{Tenant: tenant, PlanID: p.ID, ActorID: "m", Role: bot.RoleManager, Platform: "lark", Action: "plan.create", To: "draft", At: at(1, 9)},
		{Tenant: tenant, PlanID: p.ID, ActorID: "ou_张", Role: bot.RoleEmployee, Platform: "slack", Action: "plan.ack",
			From: "approved", To: "active", Detail: "“引号” \\ \"q\" \n\t end ", At: time.Date(2026, 11, 2, 23, 59, 59, 999999999, time.UTC)},
		{Tenant: tenant, PlanID: p.ID, ActorID: "hr", Role: bot.RoleHR, Platform: "console", Action: "plan.note"}, // zero time
		{Tenant: tenant, PlanID: p.ID, ActorID: "m", Role: bot.RoleManager, Platform: "lark", Action: "plan.edit", At: at(3, 9).Add(500 * time.Microsecond)},
	}
	prev := ""
	for i := range in {
		if err := db.AppendAudit(ctx, &in[i]); err != nil {
			t.Fatal(err)
		}
		if in[i].Seq != int64(i+1) || in[i].PrevHash != prev || len(in[i].Hash) != 64 {
			t.Fatalf("entry %d sealed as seq %d prev %q hash %q; want seq %d after %q", i, in[i].Seq, in[i].PrevHash, in[i].Hash, i+1, prev)
		}
		prev = in[i].Hash
	}
	got, err := db.Audit(ctx, tenant, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	bySeq := map[int64]bot.AuditEntry{}
	for _, e := range got {
		bySeq[e.Seq] = e
	}
	for _, want := range in {
		e, ok := bySeq[want.Seq]
		if !ok {
			t.Fatalf("seq %d not read back", want.Seq)
		}
		if h := e.ComputeHash(); h != want.Hash || e.Hash != want.Hash {
			t.Errorf("seq %d read back: stored hash %s, recomputed %s; sealed %s (at %v, read back %v)",
				want.Seq, e.Hash, h, want.Hash, want.At, e.At)
		}
	}
	for _, planID := range []int64{0, p.ID} {
		c, err := db.VerifyAudit(ctx, tenant, planID)
		if err != nil || !c.OK() || c.Checked != len(in) {
			t.Errorf("VerifyAudit(plan %d) = %+v, %v; want OK with %d checked", planID, c, err, len(in))
		}
	}
}

// chainFixture is a tenant's chain of six entries alternating between two
// plans (p1 holds seq 1, 3, 5; p2 holds 2, 4, 6).
type chainFixture struct {
	tenant  string
	p1, p2  int64
	entries []bot.AuditEntry // index i is seq i+1
}

func seedChain(t *testing.T, db *DB, tenant string) chainFixture {
	t.Helper()
	f := chainFixture{tenant: tenant}
	f.p1 = mustCreate(t, db, newPlan(tenant, "e1", "m")).ID
	f.p2 = mustCreate(t, db, newPlan(tenant, "e2", "m")).ID
	for i := range 6 {
		plan := f.p1
		if i%2 == 1 {
			plan = f.p2
		}
		e := bot.AuditEntry{Tenant: tenant, PlanID: plan, ActorID: "m", Role: bot.RoleManager, Platform: "lark",
			Action: fmt.Sprintf("plan.step%d", i+1), Detail: "v" + fmt.Sprint(i), At: at(1+i, 9)}
		if err := db.AppendAudit(t.Context(), &e); err != nil {
			t.Fatal(err)
		}
		f.entries = append(f.entries, e)
	}
	return f
}

// id is the row id of the entry at seq.
func (f chainFixture) id(seq int64) int64 { return f.entries[seq-1].ID }

// exec runs a raw SQL statement, as someone with database access would.
func exec(t *testing.T, db *DB, sql string, args ...any) {
	t.Helper()
	res := db.gdb.WithContext(t.Context()).Exec(sql, args...)
	if res.Error != nil {
		t.Fatalf("%s: %v", sql, res.Error)
	}
	if res.RowsAffected != 1 {
		t.Fatalf("%s: %d rows affected, want 1", sql, res.RowsAffected)
	}
}

// broken is the part of an AuditCheck a tamper case predicts.
type broken struct {
	What string
	Seq  int64
	ID   int64
}

func brokenOf(c bot.AuditCheck) broken { return broken{c.Broken, c.BrokenSeq, c.BrokenID} }

// testAuditTamper changes a tenant's audit rows with raw SQL in each way
// and checks what VerifyAudit reports for the whole chain and for each of
// the two plans; a second tenant's chain, untouched, stays OK.
func testAuditTamper(t *testing.T, db *DB) {
	var forged int64 // the row id a case inserted, for its expectations
	ok := broken{}
	tests := []struct {
		name   string
		tamper func(t *testing.T, f chainFixture)
		// want are the first broken entries of the whole chain, of p1 and
		// of p2; the funcs see the fixture and the forged row's id.
		want func(f chainFixture) (whole, p1, p2 broken)
	}{{
		name: "edit a middle entry",
		tamper: func(t *testing.T, f chainFixture) {
			exec(t, db, "UPDATE audit_log SET detail = ? WHERE tenant = ? AND seq = ?", "forged", f.tenant, 3)
		},
		want: func(f chainFixture) (broken, broken, broken) {
			return broken{"hash", 3, f.id(3)}, broken{"hash", 3, f.id(3)}, ok
		},
	}, {
		name: "edit a middle entry and recompute its hash",
		tamper: func(t *testing.T, f chainFixture) {
			e := f.entries[2]
			e.Detail = "forged"
			exec(t, db, "UPDATE audit_log SET detail = ?, hash = ? WHERE tenant = ? AND seq = ?", e.Detail, e.ComputeHash(), f.tenant, 3)
		},
		want: func(f chainFixture) (broken, broken, broken) {
			return broken{"link", 4, f.id(4)}, broken{"link", 4, f.id(4)}, broken{"link", 4, f.id(4)}
		},
	}, {
		name: "edit the newest entry and recompute its hash",
		tamper: func(t *testing.T, f chainFixture) {
			e := f.entries[5]
			e.To = "closed"
			exec(t, db, "UPDATE audit_log SET to_value = ?, hash = ? WHERE tenant = ? AND seq = ?", e.To, e.ComputeHash(), f.tenant, 6)
		},
		want: func(f chainFixture) (broken, broken, broken) {
			return broken{"hash", 6, f.id(6)}, ok, broken{"hash", 6, f.id(6)}
		},
	}, {
		// p1 has no entry next to seq 3: only the whole walk sees that it is gone.
		name: "delete a middle entry",
		tamper: func(t *testing.T, f chainFixture) {
			exec(t, db, "DELETE FROM audit_log WHERE tenant = ? AND seq = ?", f.tenant, 3)
		},
		want: func(f chainFixture) (broken, broken, broken) {
			return broken{"missing", 3, 0}, ok, broken{"missing", 3, 0}
		},
	}, {
		name: "delete the newest entry",
		tamper: func(t *testing.T, f chainFixture) {
			exec(t, db, "DELETE FROM audit_log WHERE tenant = ? AND seq = ?", f.tenant, 6)
		},
		want: func(f chainFixture) (broken, broken, broken) {
			return broken{"missing", 6, 0}, broken{"missing", 6, 0}, ok
		},
	}, {
		name: "insert a forged entry sealed after the newest",
		tamper: func(t *testing.T, f chainFixture) {
			e := bot.AuditEntry{Tenant: f.tenant, PlanID: f.p1, ActorID: "hr", Role: bot.RoleHR, Platform: "lark",
				Action: "plan.close", To: "closed", At: at(20, 9)}
			e.Seal(7, f.entries[5].Hash)
			row := auditToRow(&e)
			if err := db.gdb.WithContext(t.Context()).Create(&row).Error; err != nil {
				t.Fatal(err)
			}
			forged = row.ID
		},
		want: func(f chainFixture) (broken, broken, broken) {
			return broken{"link", 7, forged}, broken{"link", 7, forged}, ok
		},
	}, {
		name: "insert an unsealed entry",
		tamper: func(t *testing.T, f chainFixture) {
			exec(t, db, "INSERT INTO audit_log (tenant, plan_id, actor_id, role, platform, action, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				f.tenant, f.p2, "m", "manager", "lark", "plan.approve", at(4, 10).UTC().Truncate(time.Millisecond))
			var ids []int64
			err := db.gdb.WithContext(t.Context()).Model(&auditRow{}).Where("tenant = ? AND seq = 0", f.tenant).Pluck("id", &ids).Error
			if err != nil || len(ids) != 1 {
				t.Fatalf("unsealed rows: %v, %v", ids, err)
			}
			forged = ids[0]
		},
		want: func(f chainFixture) (broken, broken, broken) {
			return broken{"hash", 0, forged}, ok, broken{"hash", 0, forged}
		},
	}, {
		name: "delete the chain head",
		tamper: func(t *testing.T, f chainFixture) {
			exec(t, db, "DELETE FROM audit_heads WHERE tenant = ?", f.tenant)
		},
		want: func(f chainFixture) (broken, broken, broken) {
			return broken{"link", 1, f.id(1)}, broken{"link", 1, f.id(1)}, broken{"link", 2, f.id(2)}
		},
	}}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			f := seedChain(t, db, fmt.Sprintf("t-tamper-%d", i))
			other := seedChain(t, db, fmt.Sprintf("t-tamper-%d-other", i))
			for _, planID := range []int64{0, f.p1, f.p2} {
				if c, err := db.VerifyAudit(ctx, f.tenant, planID); err != nil || !c.OK() {
					t.Fatalf("before tampering: VerifyAudit(plan %d) = %+v, %v", planID, c, err)
				}
			}
			tt.tamper(t, f)
			whole, p1, p2 := tt.want(f)
			for _, check := range []struct {
				name   string
				planID int64
				want   broken
			}{{"whole chain", 0, whole}, {"plan 1", f.p1, p1}, {"plan 2", f.p2, p2}} {
				c, err := db.VerifyAudit(ctx, f.tenant, check.planID)
				if err != nil {
					t.Fatalf("%s: %v", check.name, err)
				}
				if got := brokenOf(c); got != check.want || c.Tenant != f.tenant {
					t.Errorf("%s: VerifyAudit = %+v, want %+v", check.name, c, check.want)
				}
			}
			for _, planID := range []int64{0, other.p1, other.p2} {
				want := 3
				if planID == 0 {
					want = 6
				}
				c, err := db.VerifyAudit(ctx, other.tenant, planID)
				if err != nil || !c.OK() || c.Checked != want {
					t.Errorf("other tenant: VerifyAudit(plan %d) = %+v, %v; want OK with %d checked", planID, c, err, want)
				}
			}
		})
	}
}

// testAuditTenants checks that AuditTenants lists the tenants with a chain
// head or an audit row, each once, sorted, and no others.
func testAuditTenants(t *testing.T, db *DB) {
	ctx := t.Context()
	before, err := db.AuditTenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seedChain(t, db, "t-list-b")
	seedChain(t, db, "t-list-a")
	// A row slipped in for a tenant that has no head is listed too.
	exec(t, db, "INSERT INTO audit_log (tenant, plan_id, actor_id, role, platform, action) VALUES (?, ?, ?, ?, ?, ?)",
		"t-list-c", 1, "m", "manager", "lark", "plan.create")
	mustCreate(t, db, newPlan("t-list-d", "e", "m")) // a plan alone is no audit chain
	got, err := db.AuditTenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(append(slices.Clone(before), "t-list-a", "t-list-b", "t-list-c")))
	if !slices.Equal(got, want) {
		t.Errorf("AuditTenants = %q, want %q", got, want)
	}
	if c, err := db.VerifyAudit(ctx, "t-list-c", 0); err != nil || brokenOf(c) != (broken{"hash", 0, c.BrokenID}) || c.BrokenID == 0 {
		t.Errorf("VerifyAudit of a tenant with only a slipped-in row = %+v, %v; want hash at seq 0", c, err)
	}
}
