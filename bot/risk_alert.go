package bot

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// RiskMarks keeps each plan's last recorded rating, so that a turn to
// critical alerts its manager and HR once, however many replicas and
// evaluations see it.
type RiskMarks interface {
	// RiskLevels returns the recorded rating of each listed plan that has one.
	RiskLevels(ctx context.Context, tenant string, planIDs []int64) (map[int64]RiskLevel, error)
	// MarkRisk records level as the plan's rating if it differs from the
	// recorded one, as a compare-and-swap: of callers racing to record the
	// same change, exactly one gets changed true. prev is the rating it
	// replaced ("" for the first).
	MarkRisk(ctx context.Context, tenant string, planID int64, level RiskLevel, at time.Time) (prev RiskLevel, changed bool, err error)
}

// RoleSystem is the role of changes pipbot records on its own, such as a
// risk rating that moved because time passed.
const RoleSystem Role = "system"

// systemActor is the actor id of those changes in the audit log.
const systemActor = "pipbot"

// riskOf rates p now for display, reading its newest update's week.
func (e *Engine) riskOf(ctx context.Context, p *Plan, now time.Time) Risk {
	if !p.Tracking() {
		return Risk{}
	}
	week, err := e.latestWeek(ctx, p)
	if err != nil {
		e.log.WarnContext(ctx, "risk rating without updates", "tenant", p.Tenant, "plan_id", p.ID, "err", err)
	}
	return e.rateRisk(ctx, p, week, now)
}

// rateRisk is Rate with the tenant's rule, in the employee's zone.
func (e *Engine) rateRisk(ctx context.Context, p *Plan, latestWeek string, now time.Time) Risk {
	_, tz := e.prefs(e.person(ctx, p.Tenant, p.EmployeeID))
	return Rate(p, latestWeek, now, tz, e.policy(p.Tenant).Risk)
}

// RateRisks rates the tenant's listed plans now and records every rating
// that moved, each with an audit entry ("plan.risk": from, to and the
// figures: the record a labour court would ask for). It returns the
// alerts of the plans that turned critical: one private message to the
// manager and one to each HR person, keyed by the turn so a platform
// drops a resend. Each replica calls it hourly after its planning pass
// (cmd/pipbot), so a plan that falls behind with nobody touching it is
// caught within the hour; the compare-and-swap in MarkRisk lets one
// replica alert. A plan not running is left as it is.
func (e *Engine) RateRisks(ctx context.Context, tenant string, plans []*Plan) ([]Reply, error) {
	var ids []int64
	for _, p := range plans {
		if p.Tenant == tenant && p.Tracking() {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	latest, err := e.store.LatestUpdates(ctx, tenant, ids)
	if err != nil {
		return nil, fmt.Errorf("rate risks of tenant %s: %w", tenant, err)
	}
	marks, err := e.store.RiskLevels(ctx, tenant, ids)
	if err != nil {
		return nil, fmt.Errorf("rate risks of tenant %s: %w", tenant, err)
	}
	now := e.now()
	var out []Reply
	for _, p := range plans {
		if p.Tenant != tenant || !p.Tracking() {
			continue
		}
		k := e.rateRisk(ctx, p, latest[p.ID].Week, now)
		if marks[p.ID] == k.Level {
			continue
		}
		alerts, err := e.markRisk(ctx, p, k, now)
		if err != nil {
			return out, err
		}
		out = append(out, alerts...)
	}
	return out, nil
}

// rerateIn rates p, just changed by a command, inside the command's
// transaction (reading the newest update through tx, so one posted by the
// command counts) and records a move there too: the rating moves with the
// change or not at all, and the command still commits once. tz is the
// employee's zone, read before the transaction (the outer store must not
// be used inside it). turned reports that p turned critical by this change.
func (e *Engine) rerateIn(ctx context.Context, tx Store, p *Plan, tz *time.Location, now time.Time) (k Risk, turned bool, err error) {
	if !p.Tracking() {
		return Risk{}, false, nil
	}
	latest, err := tx.LatestUpdates(ctx, p.Tenant, []int64{p.ID})
	if err != nil {
		return Risk{}, false, fmt.Errorf("rate risk of plan %d: %w", p.Number, err)
	}
	k = Rate(p, latest[p.ID].Week, now, tz, e.policy(p.Tenant).Risk)
	_, changed, err := e.markRiskTx(ctx, tx, p, k, now)
	return k, changed && k.Level == RiskCritical, err
}

// markRisk records k as p's rating with its audit entry, in one
// transaction, and, when this call turned p critical, builds the alerts.
func (e *Engine) markRisk(ctx context.Context, p *Plan, k Risk, now time.Time) ([]Reply, error) {
	var prev RiskLevel
	changed := false
	err := e.store.InTx(ctx, func(tx Store) error {
		var err error
		prev, changed, err = e.markRiskTx(ctx, tx, p, k, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !changed || k.Level != RiskCritical {
		return nil, nil
	}
	e.log.InfoContext(ctx, "plan turned critical", "tenant", p.Tenant, "plan_id", p.ID, "from", string(prev))
	return e.criticalAlerts(ctx, p, k, now), nil
}

// markRiskTx records k as p's rating in tx and, when it moved, the audit
// entry "plan.risk" (from, to, and the figures in English).
func (e *Engine) markRiskTx(ctx context.Context, tx Store, p *Plan, k Risk, now time.Time) (RiskLevel, bool, error) {
	prev, changed, err := tx.MarkRisk(ctx, p.Tenant, p.ID, k.Level, now)
	if err != nil {
		return prev, false, fmt.Errorf("record risk of plan %d: %w", p.Number, err)
	}
	if !changed || prev == "" && k.Level == RiskOnTrack {
		return prev, changed, nil // a plan that starts on track is no event
	}
	entry := &AuditEntry{Tenant: p.Tenant, PlanID: p.ID, ActorID: systemActor, Role: RoleSystem, Platform: p.Platform,
		Action: "plan.risk", From: string(prev), To: string(k.Level), Detail: k.Reasons(LocaleEN), At: now}
	if err := tx.AppendAudit(ctx, entry); err != nil {
		return prev, false, fmt.Errorf("audit risk of plan %d: %w", p.Number, err)
	}
	return prev, true, nil
}

// criticalAlerts tells the plan's manager and every HR person, one to one,
// that it turned critical and why. The employee is not among them, even
// if they are HR: the alert is about them.
func (e *Engine) criticalAlerts(ctx context.Context, p *Plan, k Risk, at time.Time) []Reply {
	seen := map[string]bool{"": true, p.EmployeeID: true}
	var out []Reply
	who := e.name(ctx, p.Tenant, p.EmployeeID)
	for _, to := range append([]string{p.ManagerID}, e.hrPeople(ctx, p.Tenant)...) {
		if seen[to] {
			continue
		}
		seen[to] = true
		l, _ := e.prefs(e.person(ctx, p.Tenant, to))
		m := Message{Title: T(l, "risk.alert_title", p.Number), Color: ColorRed, Blocks: []Block{
			Text{Body: T(l, "risk.alert", who, p.Number, k.Reasons(l))},
			Buttons{{Label: T(l, "btn.show"), Action: ActionRef{ID: "plan.show", Args: map[string]string{"plan": itoa(p.Number)}}}},
		}}
		key := p.Tenant + ":plan:" + strconv.FormatInt(p.ID, 10) + ":risk:critical:" + strconv.FormatInt(at.Unix(), 10) + ":" + to
		out = append(out, Reply{To: to, Private: true, Key: key, Message: m})
	}
	return out
}

// risksOf rates the running plans among plans for a list, with one query
// for their newest updates; on a failure the list goes without ratings.
func (e *Engine) risksOf(ctx context.Context, r *request, plans []*Plan) map[int64]Risk {
	var ids []int64
	for _, p := range plans {
		if p.Tracking() {
			ids = append(ids, p.ID)
		}
	}
	out := map[int64]Risk{}
	if len(ids) == 0 {
		return out
	}
	latest, err := e.store.LatestUpdates(ctx, r.cmd.Tenant, ids)
	if err != nil {
		e.log.WarnContext(ctx, "plan list without risk ratings", "tenant", r.cmd.Tenant, "err", err)
		return out
	}
	for _, p := range plans {
		if p.Tracking() {
			out[p.ID] = e.rateRisk(ctx, p, latest[p.ID].Week, r.now)
		}
	}
	return out
}
