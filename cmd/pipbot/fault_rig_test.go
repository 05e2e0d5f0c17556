package main

import (
	"database/sql"
	"encoding/json"
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
	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/config"
)

// pastLease is far enough ahead of a process's clock that every lease it
// took has run out (the pipeline's lease is 90 s).
const pastLease = 2 * time.Minute

// faultRig is one Feishu scenario on one database: a first pipbot process
// with a fault injected, talking to the fake Open API through a proxy that
// can kill it, and Redis on a server the test can cut off; after a crash, a
// second process on the same database, Redis and fake, whose clock is past
// the first one's leases.
type faultRig struct {
	t     testing.TB
	dsn   string
	f     *faults
	redis *miniredis.Miniredis
	fake  *larktest.Server
	p1    *feishu
	p2    *feishu      // after a crash
	skew  atomic.Int64 // added to p1's adapter clock
	db    *sql.DB      // the database, read directly
}

func startFaultRig(t testing.TB, dsn string) *faultRig {
	t.Helper()
	r := &faultRig{t: t, dsn: dsn, f: newFaults(), redis: miniredis.RunT(t)}
	r.fake = larktest.NewServer(t, larktest.WithUsers(feishuPeople...))
	proxy := r.f.proxy(t, r.fake.URL)
	clock := func() time.Time { return time.Now().Add(time.Duration(r.skew.Load())) }
	r.p1 = startFeishuProc(t, dsn, r.fake, feishuProc{app: []appOption{withFaults(r.f)}, clock: clock},
		r.withRedis, func(_ testing.TB, cfg *config.Config) { cfg.Lark.Domain = proxy })
	t.Cleanup(r.f.unfreeze) // before p1 stops, so that its frozen calls end
	r.db = rawSQL(t, dsn)
	return r
}

// withRedis points a process at the rig's Redis.
func (r *faultRig) withRedis(_ testing.TB, cfg *config.Config) {
	cfg.Redis = "redis://" + r.redis.Addr()
}

// second starts the process that takes over from a killed p1.
func (r *faultRig) second() *feishu {
	r.t.Helper()
	r.p2 = startFeishuProc(r.t, r.dsn, r.fake, feishuProc{clock: func() time.Time { return time.Now().Add(pastLease) }}, r.withRedis)
	return r.p2
}

// close ends both processes now rather than at the test's end.
func (r *faultRig) close() {
	r.f.unfreeze()
	r.p1.stop()
	if r.p2 != nil {
		r.p2.stop()
	}
}

// expireLeases moves p1's clock past the leases it took, so that it claims
// again what it left pending.
func (r *faultRig) expireLeases() { r.skew.Add(int64(pastLease)) }

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
	err := r.db.QueryRow(q).Scan(&all, &undone)
	if err != nil {
		r.t.Fatal(err)
	}
	return undone, all
}

// awaitDone waits until every delivery after id is done.
func (r *faultRig) awaitDone(after int64) {
	r.t.Helper()
	eventually(r.t, "the event's delivery done", func() bool {
		undone, all := r.undone(after)
		return all > 0 && undone == 0
	})
}

// proxy serves the Open API at target to the process of f. A killed
// process's calls fail; armed with crashAfterSend, the first message the
// platform accepts kills it before it hears the answer.
func (f *faults) proxy(t testing.TB, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if f.dead() {
			http.Error(w, "killed", http.StatusBadGateway)
			return
		}
		if req.Method != http.MethodPost || req.URL.Path != "/open-apis/im/v1/messages" || !f.armedFor(crashAfterSend) {
			rp.ServeHTTP(w, req)
			return
		}
		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, req)
		var out struct {
			Code int `json:"code"`
		}
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &out) == nil && out.Code == 0 {
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
	return srv.URL
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

// recipient is who a message went to: an open_id, for a one-to-one chat too.
func recipient(m larktest.Message) string {
	if m.ReceiveIDType == "chat_id" && strings.HasPrefix(m.ReceiveID, "oc_p2p_") {
		return "ou_" + strings.TrimPrefix(m.ReceiveID, "oc_p2p_")
	}
	return m.ReceiveID
}

// apologetic reports whether a message or toast says something went wrong.
func apologetic(s string) bool {
	return strings.Contains(s, "抱歉") || strings.Contains(s, "出了点问题") || strings.Contains(s, msgBusyZh)
}

// msgBusyZh is the Feishu adapter's "busy" toast.
const msgBusyZh = "系统繁忙"
