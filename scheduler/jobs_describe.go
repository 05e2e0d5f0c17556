package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// describer names reminders for the admin CLI: due time in the tenant's
// zone, the recipient's name as stored, and the plan's short number. It
// caches what it loads; a lookup that fails shows the raw id instead.
type describer struct {
	j     *Jobs
	plans map[int64]string  // plan id → "#12"
	names map[string]string // tenant|id → "张三 (ou_x)"
}

func (j *Jobs) describer() *describer {
	return &describer{j: j, plans: map[int64]string{}, names: map[string]string{}}
}

// when is r's due time in its tenant's zone.
func (d *describer) when(r bot.Reminder) string {
	loc := d.j.Planner.tz
	if z := d.j.Planner.rules.of(r.Tenant).tz; z != nil {
		loc = z
	}
	return r.DueAt.In(loc).Format("2006-01-02 Mon 15:04 MST")
}

// plan is "#12", or "-" for a team summary.
func (d *describer) plan(ctx context.Context, r bot.Reminder) string {
	if r.PlanID == 0 {
		return "-"
	}
	if s, ok := d.plans[r.PlanID]; ok {
		return s
	}
	s := fmt.Sprintf("plan id %d", r.PlanID)
	if p, err := d.j.Planner.src.PlanByID(ctx, r.Tenant, r.PlanID); err == nil {
		s = fmt.Sprintf("#%d", p.Number)
	}
	d.plans[r.PlanID] = s
	return s
}

// who is the recipient's stored name and id, or the chat.
func (d *describer) who(ctx context.Context, r bot.Reminder) string {
	if r.ToChat {
		return "chat " + r.Recipient
	}
	k := r.Tenant + "|" + r.Recipient
	if s, ok := d.names[k]; ok {
		return s
	}
	s := r.Recipient
	if people, err := d.j.Planner.src.PeopleByID(ctx, r.Tenant, []string{r.Recipient}); err == nil && len(people) == 1 && people[0].Name != "" {
		s = people[0].Name + " (" + r.Recipient + ")"
	}
	d.names[k] = s
	return s
}

// ParseAt reads the --at of `pipbot jobs run`: RFC 3339, or "2006-01-02
// 15:04" and "2006-01-02" in loc.
func ParseAt(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q: want RFC 3339 (2026-11-20T17:00:00+08:00), or 2026-11-20 17:00 in the tenant zone", s)
}
