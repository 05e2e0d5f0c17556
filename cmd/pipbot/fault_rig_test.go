package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-sql-driver/mysql"
)

// pastLease is far enough ahead of a process's clock that every lease it
// took has run out (the pipeline's lease is 90 s).
const pastLease = 2 * time.Minute

// faultRig is one scenario on one database: a first pipbot process with a
// fault injected, talking to its fake platform through a proxy that can
// kill it, and Redis on a server the test can cut off; after a crash, a
// second process on the same database, Redis and fake, whose clock is past
// the first one's leases.
type faultRig struct {
	t      testing.TB
	dsn    string
	who    int // the scenario's number on its database: its employee's
	f      *faults
	redis  *miniredis.Miniredis
	db     *sql.DB      // the database, read directly
	skew   atomic.Int64 // added to p1's adapter clock
	tenant string
	app    *app // p1's, to read the database through storage
	plat   faultPlatform
}

// faultPlatform is a platform's side of the rig.
type faultPlatform interface {
	// messages lists what the fake platform accepted, oldest first: one
	// per message it shows, after its own de-duplication.
	messages() []faultMessage
	// quiet waits until neither process has sent anything for a while.
	quiet()
	// second starts the process that takes over from a killed p1.
	second(r *faultRig)
	// close stops both processes.
	close()
}

// faultMessage is a message as a person sees it.
type faultMessage struct{ to, shown string }

// newFaultRig sets up what both platforms' rigs share; the platform then
// starts p1 with r.p1Opts, pointed at r.proxy and r.redis.
func newFaultRig(t testing.TB, dsn string, who int) *faultRig {
	t.Helper()
	r := &faultRig{t: t, dsn: dsn, who: who, f: newFaults(), redis: miniredis.RunT(t)}
	r.db = rawSQL(t, dsn)
	return r
}

// p1Opts are the first process's: its engine's store wrapped, its clock
// skewed by expireLeases. Its cleanup frees the frozen calls first.
func (r *faultRig) p1Opts() procOpts {
	r.t.Cleanup(r.f.unfreeze) // registered before p1 starts: runs after p1 stops
	return procOpts{app: []appOption{withFaults(r.f)},
		clock: func() time.Time { return time.Now().Add(time.Duration(r.skew.Load())) }}
}

// p2Opts are the second process's: its clock is past p1's leases.
func (r *faultRig) p2Opts() procOpts {
	return procOpts{clock: func() time.Time { return time.Now().Add(pastLease) }}
}

// redisURL is the URL of the rig's Redis.
func (r *faultRig) redisURL() string { return "redis://" + r.redis.Addr() }

// expireLeases moves p1's clock past the leases it took, so that it claims
// again what it left pending.
func (r *faultRig) expireLeases() { r.skew.Add(int64(pastLease)) }

// close ends both processes now rather than at the test's end.
func (r *faultRig) close() {
	r.f.unfreeze()
	r.plat.close()
}

// sent is how many messages the fake accepted so far.
func (r *faultRig) sent() int { return len(r.plat.messages()) }

// lastDelivery is the id of the newest inbox row, 0 for none.
func (r *faultRig) lastDelivery() int64 {
	r.t.Helper()
	var id sql.NullInt64
	if err := r.db.QueryRow("SELECT max(id) FROM inbox").Scan(&id); err != nil {
		r.t.Fatal(err)
	}
	return id.Int64
}

// undone counts the deliveries after id that are not done, and all of them.
func (r *faultRig) undone(after int64) (undone, all int) {
	r.t.Helper()
	q := fmt.Sprintf("SELECT count(*), coalesce(sum(CASE WHEN status = 'done' THEN 0 ELSE 1 END), 0) FROM inbox WHERE id > %d", after)
	if err := r.db.QueryRow(q).Scan(&all, &undone); err != nil {
		r.t.Fatal(err)
	}
	return undone, all
}

// awaitDone waits until every delivery after id is done (there is one at
// least), all its replies delivered; on a machine as loaded as a CI one,
// for up to 30 s.
func (r *faultRig) awaitDone(after int64) {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		undone, all := r.undone(after)
		if all > 0 && undone == 0 {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%d of %d deliveries after #%d still pending", undone, all, after)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// audited checks that the plan's audit trail holds n entries of step
// ("action" or "action/role/actor"), and that the tenant's chain verifies.
func (r *faultRig) audited(planID int64, step string, n int) {
	r.t.Helper()
	ctx := context.Background()
	entries, err := r.app.db.Audit(ctx, r.tenant, planID)
	if err != nil {
		r.t.Fatal(err)
	}
	got := 0
	for _, e := range entries {
		if s := e.Action + "/" + string(e.Role) + "/" + e.ActorID; s == step || strings.HasPrefix(s, step+"/") {
			got++
		}
	}
	if got != n {
		r.t.Errorf("%d audit entries %s, want %d", got, step, n)
	}
	check, err := r.app.db.VerifyAudit(ctx, r.tenant, 0)
	if err != nil || check.Broken != "" {
		r.t.Errorf("the audit chain: %+v, %v", check, err)
	}
}

// proxy serves the platform API at target to the process of f. A killed
// process's calls fail; armed to crash after sending, the call for which
// posted reports the message the platform took that kills (see arm) kills
// it before it hears the answer.
func (f *faults) proxy(t testing.TB, target string, posted func(req *http.Request, status int, body []byte) bool) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = ""
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if f.dead() {
			http.Error(w, "killed", http.StatusBadGateway)
			return
		}
		if !f.sending() {
			rp.ServeHTTP(w, req)
			return
		}
		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, req)
		if posted(req, rec.Code, rec.Body.Bytes()) && f.took() {
			_ = f.kill()
			http.Error(w, "killed", http.StatusBadGateway)
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv.URL + strings.TrimPrefix(target, u.String()) // the same path on the proxy
}

// rawSQL opens the database of dsn directly, as storage does not expose
// the inbox's status.
func rawSQL(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	switch {
	case strings.HasPrefix(dsn, "sqlite://"):
		db, err = sql.Open("sqlite", strings.TrimPrefix(dsn, "sqlite://")+"?_pragma=busy_timeout(5000)")
	case strings.HasPrefix(dsn, "postgres://"):
		db, err = sql.Open("pgx", dsn)
	case strings.HasPrefix(dsn, "mysql://"):
		u, perr := url.Parse(dsn)
		if perr != nil {
			t.Fatal(perr)
		}
		cfg := mysql.NewConfig()
		cfg.Net, cfg.Addr, cfg.DBName = "tcp", u.Host, strings.TrimPrefix(u.Path, "/")
		if u.User != nil {
			cfg.User = u.User.Username()
			cfg.Passwd, _ = u.User.Password()
		}
		db, err = sql.Open("mysql", cfg.FormatDSN())
	default:
		t.Fatalf("no driver for %s", dsn)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// apologetic reports whether a message or toast says something went wrong,
// in either language, or that the bot is too busy.
func apologetic(s string) bool {
	for _, w := range []string{"抱歉", "出了点问题", "系统繁忙", "Sorry, something went wrong", "Busy, please try again"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
