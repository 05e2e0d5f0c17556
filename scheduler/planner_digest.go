package scheduler

import (
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// digestRows: each HR user's weekly digest, on the rules' digest day
// (Monday) at the digest time in their zone, moved to the next working day
// of the same week (none in a week without one), sent until that day is
// over. Like team summaries, the rows carry no plan and are only ever
// created: the engine skips a digest whose recipient is no longer HR or
// whose tenant has no plan. Every page of a tenant's plans wants the same
// rows, which the write dedupes.
func (pl *Planner) digestRows(rn *run, tenant string) []bot.Reminder {
	hr := pl.hrOf(rn, tenant)
	if len(hr) == 0 {
		return nil
	}
	r := pl.rules.of(tenant)
	w := &wants{rn: rn, spread: r.spread}
	platform, _, _ := strings.Cut(tenant, ":")
	for _, id := range hr {
		base := bot.Reminder{Tenant: tenant, Platform: platform, Subject: "digest:" + id, Status: bot.ReminderPending, CreatedAt: rn.now}
		z := pl.zone(rn, tenant, id)
		last := dateIn(rn.to, z)
		for mon := mondayOf(dateIn(rn.from, z)); mon.Compare(last) <= 0; mon = mon.AddDays(7) {
			day := pl.addWorkdays(rn, tenant, r.Region, mon.AddDays(int(r.DigestDay)-2), 1) // the digest day, or the next working day
			if mondayOf(day) != mon {
				continue
			}
			w.add(row(base, bot.RemindHRDigest, weekKey(mon), id, at(day, r.digest, z), endOfDay(day, z),
				pl.provisional(tenant, r.Region, day)))
		}
	}
	return w.rows
}
