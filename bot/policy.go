package bot

import (
	"context"
	"time"
)

// Approval is who must approve a submitted plan in a tenant.
type Approval string

// Approval settings (the tenant's rules: `approval: manager | manager+hr`).
const (
	ApproveManager   Approval = "manager"    // the employee's manager (or the next one up)
	ApproveManagerHR Approval = "manager+hr" // then HR, as a second, sequential approver
)

// Policy is a tenant's settings for the improvement process, read from the
// rules file (PIPBOT_RULES) next to its reminder times.
type Policy struct {
	// Approval is ApproveManager (the default) or ApproveManagerHR.
	Approval Approval
	// AdjustOverride lets HR confirm a target adjustment past the quarterly
	// band with a written reason. Off by default: past the band is refused.
	AdjustOverride bool
	// TeamVisible is whether a new plan counts in its team group's summary
	// until its manager says otherwise (off by default).
	TeamVisible bool
	// NoticeDays is how many working days ahead an interview is booked;
	// closer than that needs a stated reason (3 by default).
	NoticeDays int
	// Risk is the risk rating's thresholds (risk.go); zero fields take
	// DefaultRiskRule's.
	Risk RiskRule
}

// DefaultPolicy is what a tenant without rules gets.
func DefaultPolicy() Policy {
	return Policy{Approval: ApproveManager, NoticeDays: 3, Risk: DefaultRiskRule()}
}

// AdjustBand is the seed's elastic band: a goal's target may move by at
// most this much in total per quarter (10–15%: the upper bound).
const AdjustBand = 0.15

// WorkCalendar knows a tenant's working days (statutory holidays and 调休
// on the Chinese calendar, the weekend rule elsewhere).
type WorkCalendar interface {
	// AddWorkingDays is the date n working days after day d (n < 0: before);
	// d and the result are dates at midnight UTC.
	AddWorkingDays(ctx context.Context, tenant string, d time.Time, n int) time.Time
}

// policy returns the tenant's settings.
func (e *Engine) policy(tenant string) Policy {
	p := DefaultPolicy()
	if e.policies != nil {
		p = e.policies(tenant)
	}
	if p.Approval == "" {
		p.Approval = ApproveManager
	}
	if p.NoticeDays <= 0 {
		p.NoticeDays = 3
	}
	p.Risk = p.Risk.orDefault()
	return p
}

// weekdays is the calendar used when none is wired (the terminal demo,
// tests): Monday to Friday are working days.
type weekdays struct{}

func (weekdays) AddWorkingDays(_ context.Context, _ string, d time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}
