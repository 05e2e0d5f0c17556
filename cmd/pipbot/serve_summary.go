package main

import (
	"log/slog"
	"strings"
)

// logRunning says in one line what this `pipbot serve` runs: its chat
// platforms (and how each receives events), the database kind, the Redis
// mode and the scheduler, so an operator reading the start of a log knows
// what the process is without reading its configuration. With no platform
// configured it warns: the process then serves only health and metrics.
func (a *app) logRunning(log *slog.Logger) {
	var platforms []string
	if a.lark != nil {
		platforms = append(platforms, "feishu/lark ("+a.cfg.Lark.Mode+")")
	}
	if a.slack != nil {
		mode := "events api"
		if a.cfg.Slack.SocketMode() {
			mode = "socket mode"
		}
		platforms = append(platforms, "slack ("+mode+")")
	}
	redis := "external, shared by replicas"
	if a.redis.Embedded() {
		redis = "embedded, single replica"
	}
	scheduler := "off"
	if a.sched != nil {
		scheduler = "on"
	}
	log.Info("serving", "component", "serve", "platforms", strings.Join(platforms, ", "),
		"database", a.db.Kind(), "redis", redis, "scheduler", scheduler)
	if len(platforms) == 0 {
		log.Warn("no chat platform is configured, so pipbot serves only /healthz, /readyz and /metrics: "+
			"set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or LARK_APP_ID and LARK_APP_SECRET (see README)",
			"component", "serve")
	}
}
