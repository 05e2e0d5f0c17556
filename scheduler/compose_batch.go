package scheduler

import (
	"context"
	"sync"

	"github.com/pipbot/pipbot/bot"
)

// Preparer is a Notifier that reads what a claimed batch needs at once
// (Composer's does): the dispatcher hands it each batch before sending.
type Preparer interface {
	Prepare(ctx context.Context, rs []bot.Reminder)
}

// checked is what the composer decided of one claimed reminder.
type checked struct {
	f      bot.ReminderFacts
	wanted bool
}

// prepared holds the checks of claimed reminders by ID until they are sent.
type prepared struct {
	mu sync.Mutex
	m  map[int64]checked
}

// take removes and returns the check of reminder id, if prepared.
func (p *prepared) take(id int64) (checked, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.m[id]
	delete(p.m, id)
	return c, ok
}

// composerNotifier is Composer.Notifier: it composes, then sends.
type composerNotifier struct {
	c    *Composer
	send Sender
}

// Notify composes r and sends it; a skipped reminder is ErrSkipped.
func (n composerNotifier) Notify(ctx context.Context, r bot.Reminder) (string, error) {
	rep, skip, err := n.c.Compose(ctx, r)
	if err != nil {
		return "", err
	}
	if skip {
		return "", ErrSkipped
	}
	return n.send(ctx, r, rep)
}

// Prepare loads the facts of a claimed batch in a few reads per tenant
// (its plans, their interviews and latest updates, the people involved)
// rather than a few per reminder, and decides for each whether it is still
// planned; Compose takes each decision when its reminder's turn comes. A
// failed read leaves the batch to be loaded one by one.
func (n composerNotifier) Prepare(ctx context.Context, rs []bot.Reminder) {
	out, err := n.c.planner.factsOf(ctx, rs)
	if err != nil {
		n.c.planner.log.WarnContext(ctx, "prepare claimed reminders; loading one by one", "err", err)
		return
	}
	n.c.ready.mu.Lock()
	defer n.c.ready.mu.Unlock()
	if n.c.ready.m == nil {
		n.c.ready.m = map[int64]checked{}
	}
	for id, c := range out {
		n.c.ready.m[id] = c
	}
}

// factsOf is facts for a batch of stored reminders, by reminder ID.
func (pl *Planner) factsOf(ctx context.Context, rs []bot.Reminder) (map[int64]checked, error) {
	out := make(map[int64]checked, len(rs))
	byTenant := map[string][]bot.Reminder{}
	for _, r := range rs {
		if r.PlanID != 0 && r.ID != 0 {
			byTenant[r.Tenant] = append(byTenant[r.Tenant], r)
		}
	}
	rn := pl.newRun(pl.clock.now())
	for tenant, group := range byTenant {
		var ids []int64
		for _, r := range group {
			ids = append(ids, r.PlanID)
		}
		plans, err := pl.src.PlansByIDs(ctx, tenant, ids)
		if err != nil {
			return nil, err
		}
		ids = ids[:0]
		byID := make(map[int64]*bot.Plan, len(plans))
		for _, p := range plans {
			byID[p.ID] = p
			ids = append(ids, p.ID)
		}
		ivs, err := pl.src.InterviewsOfPlans(ctx, tenant, ids)
		if err != nil {
			return nil, err
		}
		latest, err := pl.src.LatestWeeks(ctx, tenant, ids)
		if err != nil {
			return nil, err
		}
		tracked, err := pl.src.ManagerTracked(ctx, tenant, ids)
		if err != nil {
			return nil, err
		}
		if err := pl.load(ctx, rn, tenant, involved(plans, ivs), false); err != nil {
			return nil, err
		}
		ivsOf := map[int64][]bot.Interview{}
		for _, iv := range ivs {
			ivsOf[iv.PlanID] = append(ivsOf[iv.PlanID], iv)
		}
		for _, r := range group {
			p, ok := byID[r.PlanID]
			if !ok {
				out[r.ID] = checked{} // the plan is gone
				continue
			}
			f := bot.ReminderFacts{Plan: p, LatestWeek: latest[p.ID], Interviews: ivsOf[p.ID], LastTracked: tracked[p.ID]}
			out[r.ID] = checked{f: f, wanted: pl.stillPlanned(rn, r, f)}
		}
	}
	return out, nil
}

// stillPlanned reports whether planning f's plan in rn produces r's key.
func (pl *Planner) stillPlanned(rn *run, r bot.Reminder, f bot.ReminderFacts) bool {
	key := r.Key()
	for _, w := range pl.planRows(rn, f) {
		if w.Key() == key {
			return true
		}
	}
	return false
}
