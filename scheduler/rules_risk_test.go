package scheduler_test

import (
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
)

// TestRulesRiskThresholds: a tenant's section moves the risk rating's
// thresholds, the others keep the documented defaults, and thresholds out
// of order or range are refused with the keys named.
func TestRulesRiskThresholds(t *testing.T) {
	b, err := scheduler.ParseRules([]byte(`
tenants:
  "lark:lenient": {risk_lag_at_risk: 30, risk_lag_critical: 50, risk_missed_at_risk: 2, risk_missed_critical: 3}
`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.Policy("lark:lenient").Risk, (bot.RiskRule{AtRiskLag: 30, CriticalLag: 50, AtRiskMissed: 2, CriticalMissed: 3}); got != want {
		t.Errorf("tenant thresholds = %+v, want %+v", got, want)
	}
	if got, want := b.Policy("lark:other").Risk, bot.DefaultRiskRule(); got != want {
		t.Errorf("default thresholds = %+v, want %+v", got, want)
	}
	for _, bad := range []string{
		`default: {risk_lag_at_risk: 50, risk_lag_critical: 40}`,
		`default: {risk_lag_critical: 120}`,
		`default: {risk_lag_at_risk: 0}`,
		`default: {risk_missed_at_risk: 3, risk_missed_critical: 2}`,
		`default: {risk_missed_at_risk: 0}`,
	} {
		if _, err := scheduler.ParseRules([]byte(bad)); err == nil || !strings.Contains(err.Error(), "risk_") {
			t.Errorf("%s accepted: %v", bad, err)
		}
	}
}
