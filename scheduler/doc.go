// Package scheduler keeps the improvement process alive: a working-day
// calendar (the official Chinese calendar with 调休, other regions' weekends,
// per-tenant overrides), a planner that turns plans into reminder rows
// idempotently, and dispatchers that send each due reminder exactly once
// across restarts and replicas. Cron is only the ticker.
package scheduler
