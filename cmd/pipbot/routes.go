package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// route is one entry of the HTTP route table: a ServeMux pattern (which is
// also the "route" label of pipbot_http_requests_total) and its handler.
type route struct {
	pattern string
	handler http.Handler
}

// routes is the whole HTTP surface of `pipbot serve`.
func (a *app) routes(ready *readiness) []route {
	rs := []route{
		{"GET /healthz", http.HandlerFunc(healthz)},
		{"GET /readyz", ready},
		{"GET /metrics", a.metrics.handler()},
	}
	return append(rs, platformRoutes(a)...)
}

// platformRoutes are the chat platforms' callback endpoints (docs/architecture.md, "Contract":
// POST /lark/events, /lark/cards, /slack/events, /slack/commands,
// /slack/interactions). A platform that is not configured mounts nothing,
// so its paths answer 404.
func platformRoutes(a *app) []route {
	return append(a.lark.routes(), a.slack.routes()...)
}

// newMux registers the route table on a fresh ServeMux.
func newMux(routes []route) *http.ServeMux {
	mux := http.NewServeMux()
	for _, r := range routes {
		mux.Handle(r.pattern, r.handler)
	}
	return mux
}

// healthz answers 200 for as long as the process serves HTTP (liveness).
func healthz(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, "ok")
}

// pinger is a dependency /readyz checks; *storage.DB and *storage.Redis are.
type pinger interface {
	Ping(ctx context.Context) error
}

// readyCheck names a dependency for the plain-text reason of a 503.
type readyCheck struct {
	name string
	dep  pinger
}

// readiness serves /readyz: 200 when every dependency answers within
// timeout, 503 otherwise and from the moment shutdown begins, so that a load
// balancer stops sending traffic before the listener closes.
type readiness struct {
	checks   []readyCheck
	timeout  time.Duration
	log      *slog.Logger
	stopping atomic.Bool
}

func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rd.stopping.Load() {
		writeText(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), rd.timeout)
	defer cancel()
	for _, c := range rd.checks {
		if err := c.dep.Ping(ctx); err != nil {
			// The reason shown is only the name; the error, which may name
			// hosts, goes to the log.
			rd.log.WarnContext(ctx, "not ready", "dependency", c.name, "err", err)
			writeText(w, http.StatusServiceUnavailable, c.name+" unavailable")
			return
		}
	}
	writeText(w, http.StatusOK, "ok")
}

// writeText writes a short plain-text answer that no cache keeps.
func writeText(w http.ResponseWriter, code int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	io.WriteString(w, body)
}
