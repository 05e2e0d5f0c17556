package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"
)

// HTTP server limits. Platform callbacks are small and must be acknowledged
// within 3 s, so nothing legitimate comes near them.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
	// readyTimeout bounds the dependency pings of one /readyz.
	readyTimeout = time.Second
	// shutdownTimeout leaves in-flight requests time to finish, and stays
	// under the 3 s an orchestrator or test waits after SIGTERM.
	shutdownTimeout = 2500 * time.Millisecond
	// gcPercent is serve's garbage-collector target when GOGC is unset.
	// A serving pipbot keeps a small live heap while every inbound request
	// allocates, so collecting a quarter as often costs a few megabytes
	// and keeps the acknowledgment's tail down: side by side on one
	// machine, p99 28–30 ms instead of 31–48 ms at about 3,000 Slack
	// events a second on SQLite. GOGC (and GOMEMLIMIT) still win.
	gcPercent = 400
)

// runServe is `pipbot serve`: load the configuration, migrate, and serve
// HTTP on PIPBOT_ADDR until ctx is cancelled (SIGINT, SIGTERM).
func runServe(ctx context.Context, e *env, args []string) error {
	if help, err := parseFlags(e.flags("serve"), args); help || err != nil {
		return err
	}
	log := newLogger(e.stderr, true, slog.LevelInfo)
	cfg, file, err := loadConfig(e)
	if err != nil {
		return err
	}
	log.Info("starting pipbot", "component", "serve", "version", version,
		"config_file", file, "config", cfg)
	if e.getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	tune, err := parseTuning(linkTuning)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	if a.tune = tune; linkTuning != "" {
		log.Warn("this binary was built with test tuning; do not run it against real platforms",
			"component", "serve", "tuning", linkTuning)
	}
	if a.lark, err = a.newLark(ctx, time.Now); err != nil {
		_ = a.Close()
		return err
	}
	if a.slack, err = a.newSlack(ctx, time.Now); err != nil {
		_ = a.Close()
		return err
	}
	if a.sched, err = a.newSchedule(time.Now); err != nil {
		_ = a.Close()
		return err
	}
	for _, w := range a.sched.calendar.Warnings(time.Now()) {
		log.Warn(w, "component", "calendar")
	}
	a.logRunning(log)
	// The workers stop with the server, also when listening fails.
	pctx, stopPlatforms := context.WithCancel(ctx)
	platforms, holidays := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(platforms)
		a.runPlatforms(pctx, time.Now)
	}()
	go func() {
		defer close(holidays)
		a.watchHolidays(pctx, holidayReload, time.Now)
	}()
	err = a.listenAndServe(ctx)
	stopPlatforms()
	<-platforms
	<-holidays
	if cerr := a.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close: %w", cerr))
	}
	if err != nil {
		return err
	}
	log.Info("stopped", "component", "serve")
	return nil
}

// listenAndServe listens on cfg.Addr and logs the bound address, which is
// how tests and the end-to-end suite learn the port of ":0".
func (a *app) listenAndServe(ctx context.Context) error {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	a.log.Info("listening", "component", "http", "addr", ln.Addr().String())
	return a.serveHTTP(ctx, ln)
}

// serveHTTP serves the route table on ln until ctx is done, then shuts
// down gracefully: /readyz turns 503 first, then in-flight requests get up
// to shutdownTimeout. It does not close the app; the caller does, after.
func (a *app) serveHTTP(ctx context.Context, ln net.Listener) error {
	log := a.log.With("component", "http")
	ready := &readiness{
		checks:  []readyCheck{{"database", a.db}, {"redis", a.redis}},
		timeout: readyTimeout,
		log:     log,
	}
	registerOrReuse(a.metrics.reg, newInboxBacklog(a.db, time.Now))
	srv := &http.Server{
		Handler:           timeRequests(a.metrics.reg, a.metrics.instrument(newMux(a.routes(ready)))),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	ready.stopping.Store(true)
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("requests still running at shutdown; closing them", "err", err)
		_ = srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", err)
	}
	return nil
}
