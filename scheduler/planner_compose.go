package scheduler

import (
	"context"
	"errors"
	"fmt"

	"github.com/pipbot/pipbot/bot"
)

// ReminderEngine builds the message of a due reminder for its recipient
// from the facts the Composer loaded, or says to skip it (bot.Engine
// implements it).
type ReminderEngine interface {
	ReminderWith(ctx context.Context, r bot.Reminder, f bot.ReminderFacts) (rep bot.Reply, skip bool, err error)
}

// ErrSkipped is what Composer.Notifier returns for a reminder that no longer
// applies: it has been cancelled, nothing was sent, and there is nothing
// to retry.
var ErrSkipped = errors.New("reminder no longer applies: cancelled, not sent")

// Sender delivers a composed reply on the reminder's platform, idempotently
// by rep.Key, and returns the platform's message id.
type Sender func(ctx context.Context, r bot.Reminder, rep bot.Reply) (messageID string, err error)

// Composer checks at dispatch time that a claimed reminder is still right
// and builds its message: a reminder planned days ahead may have been
// overtaken (the update landed, the interview moved, the plan closed).
type Composer struct {
	planner *Planner
	engine  ReminderEngine
	ready   prepared // the checks of claimed batches (Preparer)
}

// NewComposer builds a Composer over the planner that planned the rows
// (whose rules and calendar say what is still wanted) and the engine.
func NewComposer(pl *Planner, e ReminderEngine) *Composer {
	return &Composer{planner: pl, engine: e}
}

// Compose re-checks r and builds its reply (see Preview). skip means r no
// longer applies; its row has then been cancelled, and nothing must be sent.
func (c *Composer) Compose(ctx context.Context, r bot.Reminder) (rep bot.Reply, skip bool, err error) {
	rep, why, err := c.Preview(ctx, r)
	if err != nil || why == "" {
		return rep, false, err
	}
	return c.skip(ctx, r, why)
}

// Preview is Compose without side effects, for dry runs: why is "" when r
// would be sent as rep, else the reason it would be skipped. The reminder's
// plan, interviews and latest update are loaded once: a reminder about a
// plan stands only if planning the plan now still wants it (same key: same
// week, same notice day, same recipient), and then the engine, handed the
// same facts, checks what only the message knows (roles, the month's
// review) and builds it in the recipient's language and zone.
func (c *Composer) Preview(ctx context.Context, r bot.Reminder) (rep bot.Reply, why string, err error) {
	pre, ok := c.ready.take(r.ID)
	f, err := pre.f, error(nil)
	if ok {
		ok = pre.wanted
	} else {
		f, ok, err = c.planner.facts(ctx, r)
	}
	if err != nil {
		return bot.Reply{}, "", fmt.Errorf("compose reminder %d: %w", r.ID, err)
	}
	if !ok {
		return bot.Reply{}, "no longer planned", nil
	}
	rep, skip, err := c.engine.ReminderWith(ctx, r, f)
	if err != nil {
		return bot.Reply{}, "", fmt.Errorf("compose reminder %d: %w", r.ID, err)
	}
	if skip {
		return bot.Reply{}, "no longer applies", nil
	}
	return rep, "", nil
}

// skip cancels r's row, so that it is neither sent nor retried.
func (c *Composer) skip(ctx context.Context, r bot.Reminder, why string) (bot.Reply, bool, error) {
	if r.ID != 0 {
		if err := c.planner.out.CancelReminder(ctx, r.Tenant, r.ID); err != nil {
			return bot.Reply{}, true, fmt.Errorf("cancel reminder %d: %w", r.ID, err)
		}
	}
	c.planner.log.InfoContext(ctx, "reminder skipped", "tenant", r.Tenant, "plan_id", r.PlanID,
		"reminder_id", r.ID, "kind", r.Kind, "due_key", r.DueKey, "why", why)
	return bot.Reply{}, true, nil
}

// Notifier is the dispatcher's Notifier: Compose, then send. A skipped
// reminder is reported as ErrSkipped (already cancelled, not to retry). It
// is a Preparer: the dispatcher hands it each claimed batch first.
func (c *Composer) Notifier(send Sender) Notifier { return composerNotifier{c: c, send: send} }

// facts loads what r's message is decided on, once, and reports whether
// planning r's plan now still produces r's key: the dispatch-time check
// that catches whatever changed since r was planned, even when no hook
// re-planned it. A team summary is not about one plan: it has no facts and
// always stands here (the engine counts when composing).
func (pl *Planner) facts(ctx context.Context, r bot.Reminder) (f bot.ReminderFacts, wanted bool, err error) {
	if r.PlanID == 0 {
		return f, true, nil
	}
	p, err := pl.src.PlanByID(ctx, r.Tenant, r.PlanID)
	if errors.Is(err, bot.ErrNotFound) {
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("check reminder %d: %w", r.ID, err)
	}
	ivs, err := pl.src.InterviewsOfPlans(ctx, r.Tenant, []int64{p.ID})
	if err != nil {
		return f, false, fmt.Errorf("check reminder %d: %w", r.ID, err)
	}
	rn := pl.newRun(pl.clock.now())
	if err := pl.load(ctx, rn, r.Tenant, involved([]*bot.Plan{p}, ivs), false); err != nil {
		return f, false, err
	}
	latest, err := pl.src.LatestWeeks(ctx, r.Tenant, []int64{p.ID})
	if err != nil {
		return f, false, fmt.Errorf("check reminder %d: %w", r.ID, err)
	}
	tracked, err := pl.src.ManagerTracked(ctx, r.Tenant, []int64{p.ID})
	if err != nil {
		return f, false, fmt.Errorf("check reminder %d: %w", r.ID, err)
	}
	f = bot.ReminderFacts{Plan: p, LatestWeek: latest[p.ID], Interviews: ivs, LastTracked: tracked[p.ID]}
	return f, pl.stillPlanned(rn, r, f), nil
}
