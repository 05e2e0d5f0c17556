package bot

import (
	"context"
	"fmt"
	"time"
)

// The HR digest's risk part: running plans counted by rating, and the
// plans that turned at risk or critical since the week before, read from
// their "plan.risk" audit entries (only for the plans not on track now).

// digestRisks rates the running plans and lists those that turned at risk
// or critical since since and are still neither on track nor unrated.
func (e *Engine) digestRisks(ctx context.Context, rd *request, running []*Plan, latest map[int64]Update, since time.Time) (map[RiskLevel]int, []*Plan, map[int64]Risk, error) {
	count := map[RiskLevel]int{}
	rating := map[int64]Risk{}
	var turned []*Plan
	for _, p := range running {
		k := e.rateRisk(ctx, p, latest[p.ID].Week, rd.now)
		rating[p.ID] = k
		count[k.Level]++
		if k.Level != RiskAtRisk && k.Level != RiskCritical {
			continue
		}
		entries, err := e.store.Audit(ctx, p.Tenant, p.ID)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("compose HR digest: audit of plan %d: %w", p.Number, err)
		}
		for _, a := range entries {
			if a.Action == "plan.risk" && !a.At.Before(since) && (a.To == string(RiskAtRisk) || a.To == string(RiskCritical)) {
				turned = append(turned, p)
				break
			}
		}
	}
	return count, turned, rating, nil
}

// riskFields are the digest's counts by rating.
func riskFields(l Locale, count map[RiskLevel]int) Fields {
	var f Fields
	for _, lv := range []RiskLevel{RiskOnTrack, RiskAtRisk, RiskCritical} {
		f = append(f, Field{Label: riskDot(lv) + " " + T(l, "risk."+string(lv)), Value: itoa(count[lv])})
	}
	return f
}
