package storage

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// Load of TestAuditConcurrentWriters.
const (
	chainWriters  = 8
	chainTenants  = 2
	chainDuration = 10 * time.Second
)

// TestAuditConcurrentWriters has 8 writers append to 2 tenants' fresh
// chains for 10 s (1 s with -short) on each database, the databases at the
// same time. Half the writers do what the engine does (save their plan and
// append in one InTx transaction), half call AppendAudit alone. No writer
// may fail, and none retries: the head's row lock queues a tenant's appends.
// Meanwhile a checker verifies the growing chains, which must never look
// broken. At the end each chain holds every append, seq 1..n without gaps
// or duplicates, and verifies whole and per plan.
func TestAuditConcurrentWriters(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		t.Parallel()
		db := openTestDB(t, dsn)
		d := chainDuration
		if testing.Short() {
			d = time.Second
		}
		testConcurrentAppends(t, db, d)
	})
}

func testConcurrentAppends(t *testing.T, db *DB, d time.Duration) {
	ctx := t.Context()
	tenants := make([]string, chainTenants)
	for i := range tenants {
		tenants[i] = fmt.Sprintf("t-chain-%d", i)
	}
	plans := make([]*bot.Plan, chainWriters)
	for w := range plans {
		plans[w] = mustCreate(t, db, newPlan(tenants[w%chainTenants], fmt.Sprintf("e%d", w), "m"))
	}

	var (
		appended [chainTenants]atomic.Int64
		checks   atomic.Int64
		start    = make(chan struct{})
		done     = make(chan struct{})
		writers  sync.WaitGroup
		checker  sync.WaitGroup
	)
	for w := range chainWriters {
		writers.Go(func() {
			p := plans[w]
			engineLike := (w/chainTenants)%2 == 0
			<-start
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				e := &bot.AuditEntry{Tenant: p.Tenant, PlanID: p.ID, ActorID: p.ManagerID, Role: bot.RoleManager,
					Platform: "slack", Action: "plan.edit", Detail: fmt.Sprintf("writer %d #%d", w, n), At: time.Now()}
				var err error
				if engineLike {
					err = db.InTx(ctx, func(tx bot.Store) error {
						p.Title = fmt.Sprintf("improve #%d", n)
						if err := tx.SavePlan(ctx, p); err != nil {
							return err
						}
						return tx.AppendAudit(ctx, e)
					})
				} else {
					err = db.AppendAudit(ctx, e)
				}
				if err != nil {
					t.Errorf("writer %d, append %d: %v", w, n, err)
					return
				}
				appended[w%chainTenants].Add(1)
			}
		})
	}
	checker.Go(func() {
		<-start
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			tenant, planID := tenants[i%chainTenants], int64(0)
			if i%2 == 1 {
				planID = plans[i%chainWriters].ID
				tenant = plans[i%chainWriters].Tenant
			}
			c, err := db.VerifyAudit(ctx, tenant, planID)
			if err != nil || !c.OK() {
				t.Errorf("VerifyAudit(%s, plan %d) during the appends = %+v, %v", tenant, planID, c, err)
				return
			}
			checks.Add(1)
		}
	})
	close(start)
	time.Sleep(d)
	close(done)
	writers.Wait()
	checker.Wait()
	if t.Failed() {
		return
	}

	var total int64
	for i, tenant := range tenants {
		n := appended[i].Load()
		total += n
		if n == 0 {
			t.Errorf("%s: no appends", tenant)
		}
		var s struct{ NRows, NSeqs, Lo, Hi int64 }
		err := db.gdb.WithContext(ctx).Model(&auditRow{}).Where("tenant = ?", tenant).
			Select("COUNT(*) AS n_rows, COUNT(DISTINCT seq) AS n_seqs, MIN(seq) AS lo, MAX(seq) AS hi").Take(&s).Error
		if err != nil {
			t.Fatal(err)
		}
		if s.NRows != n || s.NSeqs != n || s.Lo != 1 || s.Hi != n {
			t.Errorf("%s: %d appends stored as %d rows, %d distinct seqs, seq %d..%d; want seq 1..%d once each",
				tenant, n, s.NRows, s.NSeqs, s.Lo, s.Hi, n)
		}
		c, err := db.VerifyAudit(ctx, tenant, 0)
		if err != nil || !c.OK() || int64(c.Checked) != n {
			t.Errorf("%s: VerifyAudit = %+v, %v; want OK with %d checked", tenant, c, err, n)
		}
	}
	for _, p := range plans {
		if c, err := db.VerifyAudit(ctx, p.Tenant, p.ID); err != nil || !c.OK() || c.Checked == 0 {
			t.Errorf("plan %d of %s: VerifyAudit = %+v, %v", p.ID, p.Tenant, c, err)
		}
	}
	t.Logf("%s: %d appends in %v (%.0f/s), %d verifications meanwhile", db.Kind(), total, d,
		float64(total)/d.Seconds(), checks.Load())
}
