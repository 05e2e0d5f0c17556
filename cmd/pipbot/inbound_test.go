package main

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

// TestInboundRefusesUnverified: a request that does not verify is answered
// 401 with an empty body and nothing of it is stored, on both platforms:
// a signature wrong in its last hex digit only (a comparison of a prefix
// would take it), signed 6 minutes ago or ahead (outside the 5-minute
// window), or with no signature at all.
func TestInboundRefusesUnverified(t *testing.T) {
	for _, p := range inboundPlatforms {
		t.Run(p.name, func(t *testing.T) {
			r := startInbound(t, p, "", nil)
			now := time.Now()
			good := p.seal(p.message("ev-forged", "000001", 0), now)
			noSig := good.h.Clone()
			noSig.Del(p.sigHeader)
			for name, s := range map[string]signed{
				"last hex digit":  {good.body, tamper(good.h, p.sigHeader)},
				"stale timestamp": p.seal(p.message("ev-stale", "000002", 0), now.Add(-6*time.Minute)),
				"future":          p.seal(p.message("ev-future", "000003", 0), now.Add(6*time.Minute)),
				"unsigned":        {good.body, noSig},
			} {
				if code, body := r.send(s); code != http.StatusUnauthorized || len(body) != 0 {
					t.Errorf("%s: %d %q, want 401 and no body", name, code, body)
				}
			}
			if d, k := r.rows(); d != 0 || k != 0 {
				t.Errorf("refused requests stored %d deliveries and %d keys", d, k)
			}
			// The same request, signed right, goes through: the refusals
			// were for the signature, not the event.
			if code, _ := r.send(good); code != http.StatusOK {
				t.Errorf("the genuine request: %d", code)
			}
			if r.awaitSent(1) != 1 {
				t.Errorf("the genuine request was answered %d times", r.sent())
			}
		})
	}
}

// TestInboundDuplicates: a replay of a verified request, a redelivery
// under a new event id of the same message, and copies of one event
// arriving at once (in one batch, mostly) are each answered 200 and have
// no effect: one delivery stored, one answer sent.
func TestInboundDuplicates(t *testing.T) {
	for _, p := range inboundPlatforms {
		t.Run(p.name, func(t *testing.T) {
			r := startInbound(t, p, "", nil)
			first := p.seal(p.message("ev-dup-1", "100001", 0), time.Now())
			for i, s := range []signed{first, first, p.seal(p.message("ev-dup-2", "100001", 0), time.Now())} {
				if code, body := r.send(s); code != http.StatusOK {
					t.Fatalf("delivery %d: %d %s", i, code, body)
				}
			}
			var copies []signed
			for range 12 {
				copies = append(copies, p.seal(p.message("ev-dup-3", "100002", 1), time.Now()))
			}
			for i, code := range r.sendAll(copies) {
				if code != http.StatusOK {
					t.Errorf("copy %d: %d", i, code)
				}
			}
			if d := r.count("SELECT count(*) FROM inbox"); d != 2 {
				t.Errorf("%d deliveries stored, want 2 (one per message)", d)
			}
			if n := r.awaitSent(2); n != 2 {
				t.Errorf("%d answers sent, want 2", n)
			}
		})
	}
}

// TestInboundFailedBatch: when the transaction holding a batch fails, every
// caller in it is answered 5xx, so the platform retries, and nothing of the
// batch stays stored; the retries then go through.
func TestInboundFailedBatch(t *testing.T) {
	for _, p := range inboundPlatforms {
		t.Run(p.name, func(t *testing.T) {
			r := startInbound(t, p, "", nil)
			db := r.sql()
			// The keys' insert fails, after the deliveries' went in.
			if _, err := db.Exec(`CREATE TRIGGER fail_keys BEFORE INSERT ON inbox_keys BEGIN SELECT RAISE(ABORT, 'injected'); END`); err != nil {
				t.Fatal(err)
			}
			var batch []signed
			for i := range 8 {
				batch = append(batch, p.seal(p.message(fmt.Sprintf("ev-fail-%d", i), fmt.Sprintf("2%05d", i), i), time.Now()))
			}
			for i, code := range r.sendAll(batch) {
				if code < 500 {
					t.Errorf("request %d of a failed batch: %d, want 5xx", i, code)
				}
			}
			if d, k := r.rows(); d != 0 || k != 0 {
				t.Fatalf("a failed batch left %d deliveries and %d keys", d, k)
			}
			if _, err := db.Exec(`DROP TRIGGER fail_keys`); err != nil {
				t.Fatal(err)
			}
			codes := r.sendAll(batch)
			if slices.ContainsFunc(codes, func(c int) bool { return c != http.StatusOK }) {
				t.Errorf("retries answered %v", codes)
			}
			if n := r.awaitSent(8); n != 8 {
				t.Errorf("%d answers for 8 retried events", n)
			}
		})
	}
}

// TestInboundShutdownLosesNothing: pipbot stops right after acknowledging
// a burst; every acknowledged event is stored, handled or still pending,
// and a restarted pipbot answers the rest, each once.
func TestInboundShutdownLosesNothing(t *testing.T) {
	const n = 24
	for _, p := range inboundPlatforms {
		t.Run(p.name, func(t *testing.T) {
			r := startInbound(t, p, "", nil)
			var burst []signed
			for i := range n {
				burst = append(burst, p.seal(p.message(fmt.Sprintf("ev-stop-%d", i), fmt.Sprintf("3%05d", i), i), time.Now()))
			}
			for i, code := range r.sendAll(burst) {
				if code != http.StatusOK {
					t.Fatalf("request %d: %d", i, code)
				}
			}
			r.stop()
			if d := r.count("SELECT count(*) FROM inbox"); d != n {
				t.Fatalf("%d of %d acknowledged events stored", d, n)
			}
			if bad := r.count("SELECT count(*) FROM inbox WHERE status NOT IN ('done', 'pending')"); bad != 0 {
				t.Errorf("%d deliveries neither done nor pending", bad)
			}
			pending := r.count("SELECT count(*) FROM inbox WHERE status = 'pending'")
			t.Logf("at shutdown: %d answered, %d pending", r.sent(), pending)
			again := startInbound(t, p, r.file, r.sent)
			deadline := time.Now().Add(20 * time.Second)
			for again.count("SELECT count(*) FROM inbox WHERE status = 'pending'") > 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if left := again.count("SELECT count(*) FROM inbox WHERE status = 'pending'"); left != 0 {
				t.Errorf("%d deliveries still pending after the restart", left)
			}
			if sent := again.awaitSent(n); sent != n {
				t.Errorf("%d answers to %d events across the restart", sent, n)
			}
		})
	}
}
