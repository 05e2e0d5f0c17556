package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage"
)

// auditRig is a SQLite database with two tenants' audit chains of six
// entries each, alternating between two plans, and a raw connection to
// tamper with it.
type auditRig struct {
	dsn     string
	raw     *sql.DB
	entries map[string][]bot.AuditEntry // by tenant; index i is seq i+1
}

func newAuditRig(t *testing.T, tenants ...string) *auditRig {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "pipbot.db")
	r := &auditRig{dsn: "sqlite://" + path, entries: map[string][]bot.AuditEntry{}}
	db, err := storage.Open(ctx, r.dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	for _, tenant := range tenants {
		var plans [2]int64
		for i := range plans {
			p := &bot.Plan{Tenant: tenant, Platform: "lark", Title: "improve", EmployeeID: fmt.Sprint("e", i), ManagerID: "m",
				CreatedBy: "m", EmployeeType: bot.TypeUnderPerformer, Status: bot.StatusDraft, Cycle: 1}
			if err := db.CreatePlan(ctx, p); err != nil {
				t.Fatal(err)
			}
			plans[i] = p.ID
		}
		for i := range 6 {
			e := bot.AuditEntry{Tenant: tenant, PlanID: plans[i%2], ActorID: "m", Role: bot.RoleManager, Platform: "lark",
				Action: fmt.Sprintf("plan.step%d", i+1), At: time.Date(2026, 11, 1+i, 9, 30, 15, 123456789, cst)}
			if err := db.AppendAudit(ctx, &e); err != nil {
				t.Fatal(err)
			}
			r.entries[tenant] = append(r.entries[tenant], e)
		}
	}
	if r.raw, err = sql.Open("sqlite", path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.raw.Close() })
	return r
}

// exec runs raw SQL against the database, as someone with access to it would.
func (r *auditRig) exec(t *testing.T, query string, args ...any) sql.Result {
	t.Helper()
	res, err := r.raw.ExecContext(t.Context(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return res
}

func (r *auditRig) verify(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, _, err := runCmd(t, t.Context(), map[string]string{"PIPBOT_DB": r.dsn}, "", append([]string{"audit", "verify"}, args...)...)
	return out, err
}

// TestAuditVerify runs `pipbot audit verify` on a database tampered with in
// each way and checks the line it prints for each tenant and its exit.
func TestAuditVerify(t *testing.T) {
	const a, b = "t-a", "t-b"
	tests := []struct {
		name string
		// tamper changes tenant a and returns what a's line must say.
		tamper func(t *testing.T, r *auditRig) string
	}{{
		name:   "intact",
		tamper: func(*testing.T, *auditRig) string { return "t-a: 6 entries checked, OK" },
	}, {
		name: "edit a middle entry",
		tamper: func(t *testing.T, r *auditRig) string {
			r.exec(t, "UPDATE audit_log SET detail = 'forged' WHERE tenant = ? AND seq = 3", a)
			e := r.entries[a][2]
			return fmt.Sprintf("t-a: 3 entries checked, BROKEN at seq 3 (hash: its content is not what was sealed): row %d, plan id %d, plan.step3 at 2026-11-03T01:30:15.123Z", e.ID, e.PlanID)
		},
	}, {
		name: "edit a middle entry and recompute its hash",
		tamper: func(t *testing.T, r *auditRig) string {
			e := r.entries[a][2]
			e.Detail = "forged"
			r.exec(t, "UPDATE audit_log SET detail = ?, hash = ? WHERE tenant = ? AND seq = 3", e.Detail, e.ComputeHash(), a)
			next := r.entries[a][3]
			return fmt.Sprintf("t-a: 4 entries checked, BROKEN at seq 4 (link: it does not follow the entry before it, or lies past the chain's end): row %d, plan id %d, plan.step4 at 2026-11-04T01:30:15.123Z", next.ID, next.PlanID)
		},
	}, {
		name: "delete a middle entry",
		tamper: func(t *testing.T, r *auditRig) string {
			r.exec(t, "DELETE FROM audit_log WHERE tenant = ? AND seq = 3", a)
			return "t-a: 3 entries checked, BROKEN at seq 3 (missing: no entry has this place in the chain)"
		},
	}, {
		name: "delete the newest entry",
		tamper: func(t *testing.T, r *auditRig) string {
			r.exec(t, "DELETE FROM audit_log WHERE tenant = ? AND seq = 6", a)
			return "t-a: 5 entries checked, BROKEN at seq 6 (missing: no entry has this place in the chain)"
		},
	}, {
		name: "insert a forged entry",
		tamper: func(t *testing.T, r *auditRig) string {
			res := r.exec(t, "INSERT INTO audit_log (tenant, plan_id, actor_id, role, platform, action, at) VALUES (?, 1, 'm', 'manager', 'lark', 'plan.approve', '2026-11-04 01:30:15.123+00:00')", a)
			id, err := res.LastInsertId()
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("t-a: 1 entries checked, BROKEN at seq 0 (hash: its content is not what was sealed): row %d, plan id 1, plan.approve at 2026-11-04T01:30:15.123Z", id)
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newAuditRig(t, a, b)
			wantA := tt.tamper(t, r)
			out, err := r.verify(t)
			want := wantA + "\nt-b: 6 entries checked, OK\n"
			if out != want {
				t.Errorf("audit verify printed:\n%s\nwant:\n%s", out, want)
			}
			broken := !strings.HasSuffix(wantA, "OK")
			if broken && (err == nil || !strings.Contains(err.Error(), "audit chain of 1 of 2 tenants is broken")) {
				t.Errorf("err = %v, want the broken chain", err)
			}
			if !broken && err != nil {
				t.Errorf("err = %v on an intact log", err)
			}
			// --tenant verifies that tenant alone: the other one is fine.
			if out, err := r.verify(t, "--tenant", b); err != nil || out != "t-b: 6 entries checked, OK\n" {
				t.Errorf("audit verify --tenant %s = %q, %v", b, out, err)
			}
		})
	}
}

func TestAuditVerifyEmptyAndUsage(t *testing.T) {
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "pipbot.db")
	env := map[string]string{"PIPBOT_DB": dsn}
	if _, _, err := runCmd(t, t.Context(), env, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCmd(t, t.Context(), env, "", "audit", "verify"); err != nil || out != "no audit log yet\n" {
		t.Errorf("audit verify on an empty log = %q, %v", out, err)
	}
	if out, _, err := runCmd(t, t.Context(), env, "", "audit", "verify", "--tenant", "nobody"); err != nil || out != "nobody: 0 entries checked, OK\n" {
		t.Errorf("audit verify --tenant nobody = %q, %v", out, err)
	}
	for _, args := range [][]string{{"audit"}, {"audit", "fix"}, {"audit", "verify", "extra"}} {
		if _, _, err := runCmd(t, t.Context(), env, "", args...); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// TestServeAuditMetric runs the server with a short audit interval and
// scrapes /metrics: pipbot_audit_chain_ok is 1 for both tenants, then 0 for
// the tenant whose row was changed once a verification has run, while the
// other stays 1.
func TestServeAuditMetric(t *testing.T) {
	r := newAuditRig(t, "t-a", "t-b")
	base := startAuditServer(t, r.dsn, 50*time.Millisecond)
	okA, okB := `pipbot_audit_chain_ok{tenant="t-a"} 1`, `pipbot_audit_chain_ok{tenant="t-b"} 1`
	eventually(t, "both chains reported intact", func() bool {
		_, body := get(t, base+"/metrics")
		return strings.Contains(body, okA) && strings.Contains(body, okB)
	})
	r.exec(t, "UPDATE audit_log SET to_value = 'closed' WHERE tenant = 't-a' AND seq = 2")
	eventually(t, "t-a's chain reported broken", func() bool {
		_, body := get(t, base+"/metrics")
		return strings.Contains(body, `pipbot_audit_chain_ok{tenant="t-a"} 0`) && strings.Contains(body, okB)
	})
}

// startAuditServer serves pipbot on dsn with the audit chains verified
// every interval, until the test ends, and returns its base URL.
func startAuditServer(t *testing.T, dsn string, every time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := config.Default()
	cfg.DB = dsn
	a, err := newApp(ctx, cfg, testLog(t))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	a.auditEvery = every
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	served, ran := make(chan error, 1), make(chan struct{})
	go func() { served <- a.serveHTTP(ctx, ln) }()
	go func() { a.runPlatforms(ctx, time.Now); close(ran) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		<-ran
		_ = a.Close()
	})
	return "http://" + ln.Addr().String()
}
