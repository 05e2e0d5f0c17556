package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"
)

// Observer is told about every handled command, e.g. to count them in
// Prometheus. name is the command or action id; code is "" on success.
type Observer interface {
	CommandHandled(name string, code Code, took time.Duration)
}

// Options wires an Engine. Store and Sessions are required.
type Options struct {
	Store    Store
	Sessions Sessions
	Clock    func() time.Time // defaults to time.Now
	Log      *slog.Logger     // defaults to a discarding logger
	// HR lists HR users as "platform:userid" (PIPBOT_HR): the break-glass
	// HR admins, who grant and revoke HR in chat and can never lose it there.
	HR []string
	// Org is the org file (PIPBOT_ORG): reporting lines and HR flags for
	// people whose platform directory names no manager.
	Org []OrgEntry
	// Profiles looks people up in the platforms' directories, so whoever a
	// plan touches is known (name, language, zone, manager) before pipbot
	// first writes to them. Nil: only the people table.
	Profiles Profiles
	// Policy gives a tenant's process settings; nil: DefaultPolicy.
	Policy func(tenant string) Policy
	// Calendar counts working days; nil: Monday to Friday.
	Calendar WorkCalendar
	// Locale and TZ are the tenant defaults for people whose profile has none.
	Locale   Locale
	TZ       *time.Location
	Observer Observer
	// Changed, when set, is told after a plan or its interviews changed, so
	// the scheduler can re-plan the plan's reminders at once (a moved
	// interview, an update that landed, a closed plan). It must not block.
	Changed func(ctx context.Context, tenant string, planID int64)
	// Meetings are the platforms' calendars by platform ("lark"): booked
	// interviews become events there. A platform without one gets .ics
	// invitations on its notices instead (Reply.Invite).
	Meetings map[string]MeetingCalendar
}

// Engine runs the improvement process: it takes a Command and returns the
// Replies to deliver. It never sends anything itself.
type Engine struct {
	store    Store
	sessions Sessions
	now      func() time.Time
	log      *slog.Logger
	hr       map[string]bool
	org      map[string]OrgEntry
	profiles Profiles
	policies func(tenant string) Policy
	calendar WorkCalendar
	locale   Locale
	tz       *time.Location
	observer Observer
	changed  func(ctx context.Context, tenant string, planID int64)
	meetings map[string]MeetingCalendar
}

// New builds an Engine from its options.
func New(o Options) *Engine {
	e := &Engine{
		store:    o.Store,
		sessions: o.Sessions,
		now:      o.Clock,
		log:      o.Log,
		hr:       map[string]bool{},
		org:      map[string]OrgEntry{},
		profiles: o.Profiles,
		policies: o.Policy,
		calendar: o.Calendar,
		locale:   o.Locale,
		tz:       o.TZ,
		observer: o.Observer,
		changed:  o.Changed,
		meetings: o.Meetings,
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.locale == "" {
		e.locale = LocaleZH
	}
	if e.tz == nil {
		e.tz = time.UTC
	}
	if e.calendar == nil {
		e.calendar = weekdays{}
	}
	for _, h := range o.HR {
		e.hr[strings.TrimSpace(h)] = true
	}
	for _, x := range o.Org {
		e.org[x.Employee] = x
	}
	return e
}

// conflictTries bounds how often Handle runs a command whose write met a
// concurrent change (ECONFLICT); after that the user is asked to retry.
const conflictTries = 5

// Handle parses, authorises and runs one command and returns the replies.
// Every failure the user can act on becomes a localised reply. The returned
// error is for failures of the infrastructure (database, Redis, a bug)
// before anything was committed: the adapter should log it and may run the
// command again later (the replies are then only a polite "something went
// wrong", for when it gives up). A command whose EventKey already took
// effect changes nothing and gets that run's replies again. It never panics.
func (e *Engine) Handle(ctx context.Context, cmd Command) (replies []Reply, err error) {
	start := e.now()
	name := "unknown"
	var r *request
	ctx, held := e.hold(ctx, cmd)
	defer func() {
		if p := recover(); p != nil {
			e.log.ErrorContext(ctx, "command panicked", "tenant", cmd.Tenant, "user_id", cmd.Actor.ID,
				"command", name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if held != nil && held.open {
				held.abandon() // nothing of it stands: it is run again
				if r != nil {
					r.committed = false
				}
			}
			replies, err = e.failed(ctx, cmd, r, fmt.Errorf("command %s: panic: %v", name, p))
		}
	}()
	if again, ok, rerr := e.replay(ctx, cmd); rerr != nil {
		return e.failed(ctx, cmd, nil, fmt.Errorf("look up effect of %s: %w", cmd.EventID, rerr))
	} else if ok {
		return again, nil
	}
	replies, name, r, err = e.dispatch(ctx, cmd)
	// A conflict means another command changed the plan between this
	// one's read and its write, and nothing of this one was committed: it
	// runs again on the plan as it is now, as the user would be asked to.
	// Replicas and workers handle one person's messages at once, so two
	// quick updates would otherwise lose one. If the other was this very
	// event (handled twice at once), its replies stand.
	for try := 1; try < conflictTries && err != nil && ErrorCode(err) == ECONFLICT &&
		(r == nil || !r.committed) && ctx.Err() == nil; try++ {
		if again, ok, rerr := e.replay(ctx, cmd); rerr == nil && ok {
			return again, nil
		}
		replies, name, r, err = e.dispatch(ctx, cmd)
	}
	code := Code("")
	if err != nil {
		code = ErrorCode(err)
		if code == EINTERNAL {
			replies, err = e.failed(ctx, cmd, r, fmt.Errorf("command %s: %w", name, err))
		} else {
			replies, err = e.finish(ctx, cmd, []Reply{e.errorReply(ctx, cmd, err)}), nil
		}
	} else {
		if r != nil {
			replies = append(replies, r.alerts...)
		}
		replies = e.finish(ctx, cmd, replies)
	}
	if held != nil && held.open {
		if settled, serr := e.settle(ctx, cmd, held, replies); serr != nil {
			r.committed = false
			replies, err = e.failed(ctx, cmd, r, fmt.Errorf("command %s: %w", name, serr))
			code = EINTERNAL
		} else {
			replies = settled
		}
	} else if r != nil && r.committed && cmd.EventKey != "" {
		e.remember(ctx, cmd, replies)
	}
	if e.observer != nil {
		e.observer.CommandHandled(name, code, e.now().Sub(start))
	}
	return replies, err
}

// failed answers an internal failure. Before the commit it is an error
// the adapter may retry on (the reply is only for when it gives up); after
// it, the change stands, so the actor hears that it took effect and there
// is nothing to retry.
func (e *Engine) failed(ctx context.Context, cmd Command, r *request, err error) ([]Reply, error) {
	e.log.ErrorContext(ctx, "command failed", "tenant", cmd.Tenant, "user_id", cmd.Actor.ID,
		"event_id", cmd.EventID, "committed", r != nil && r.committed, "err", err)
	if r != nil && r.committed {
		return e.finish(ctx, cmd, []Reply{r.text(r.tr("done.already"))}), nil
	}
	return e.finish(ctx, cmd, []Reply{e.errorReply(ctx, cmd, Errorf(EINTERNAL, "err.internal"))}), err
}

// planChanged tells the Changed hook, if any, that plan planID changed,
// once the change is committed.
func (e *Engine) planChanged(ctx context.Context, tenant string, planID int64) {
	if e.changed == nil {
		return
	}
	e.afterCommit(ctx, func(ctx context.Context, replies []Reply) []Reply {
		e.changed(ctx, tenant, planID)
		return replies
	})
}
