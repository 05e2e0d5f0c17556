package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"github.com/pipbot/pipbot/adapters/inbound"
	"slices"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// views is the part of the Web API that shows views: a modal opened with a
// click's or command's trigger_id (valid 3 s, once), and a user's App Home.
type views interface {
	OpenView(ctx context.Context, triggerID string, v slack.ModalViewRequest) error
	PublishHome(ctx context.Context, userID string, v slack.HomeTabViewRequest) error
}

// clientViews implements views with slack-go.
type clientViews struct{ api *slack.Client }

// OpenView opens v as a modal (views.open).
func (c clientViews) OpenView(ctx context.Context, triggerID string, v slack.ModalViewRequest) error {
	if _, err := c.api.OpenViewContext(ctx, triggerID, v); err != nil {
		return fmt.Errorf("views.open: %w", err)
	}
	return nil
}

// PublishHome shows v as userID's App Home tab (views.publish).
func (c clientViews) PublishHome(ctx context.Context, userID string, v slack.HomeTabViewRequest) error {
	if _, err := c.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: v}); err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}

// formFor finds the first reply that asks the actor to fill a form: one
// for the conversation or the actor, holding a Form block. i is -1 when
// there is none.
func formFor(replies []bot.Reply, actorID string) (f bot.Form, i int) {
	for i, r := range replies {
		if r.Chat != "" || (r.To != "" && r.To != actorID) {
			continue
		}
		for _, b := range r.Message.Blocks {
			if f, ok := b.(bot.Form); ok {
				return f, i
			}
		}
	}
	return bot.Form{}, -1
}

// modal is f as a modal for the actor, its submission routed back to the
// conversation and message it was asked from.
func modal(f bot.Form, actor bot.Person, o Origin) slack.ModalViewRequest {
	meta, err := blockkit.MetadataValue(blockkit.Metadata{Action: f.Action, Channel: o.ChannelID, MessageTS: o.MessageTS})
	if err != nil {
		meta = "" // too long with the routing: Modal carries the action alone
	}
	return blockkit.Modal(f, blockkit.ModalOptions{Locale: actor.Locale, PrivateMetadata: meta, TZ: zoneOf(actor)})
}

// openModal opens f with o's trigger_id, within remaining of the trigger's
// life; false means it could not (no trigger, expired, or refused), and the
// form must go by message instead.
func (a *Adapter) openModal(ctx context.Context, f bot.Form, actor bot.Person, o Origin, remaining time.Duration) bool {
	if o.TriggerID == "" || remaining <= 0 {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, remaining)
	defer cancel()
	if err := a.views.OpenView(ctx, o.TriggerID, modal(f, actor, o)); err != nil {
		a.log.WarnContext(ctx, "open modal; the form goes by message", "tenant", tenantOf(o.TeamID),
			"user_id", o.UserID, "event_id", o.EventID, "err", err)
		return false
	}
	return true
}

// zoneOf is the actor's time zone for date and time inputs, or nil (UTC)
// when the profile has none.
func zoneOf(p bot.Person) *time.Location {
	if p.TZ == "" {
		return nil
	}
	loc, err := time.LoadLocation(p.TZ)
	if err != nil {
		return nil
	}
	return loc
}

// viewSubmission answers a submitted modal within Slack's 3 s: the
// submission is recorded (a replay has no effect) and run inline as the
// submitting user; problems the engine finds in the values keep the modal
// open with each problem under its input (response_action errors); a form
// in the answer replaces the modal; otherwise the modal closes and the
// replies are delivered. ok false answers a failure: nothing was recorded,
// and the modal stays open for another try.
func (a *Adapter) viewSubmission(ctx context.Context, raw json.RawMessage, ic slack.InteractionCallback, start time.Time) (ack any, ok bool) {
	tenant := tenantOf(ic.Team.ID)
	if ok, why := a.sameWorkspace(ctx, ic.Team.ID, ic.User.TeamID); !ok {
		a.log.WarnContext(ctx, "submission refused", "reason", why, "tenant", tenant, "user_id", ic.User.ID)
		return slack.NewClearViewSubmissionResponse(), true
	}
	if _, err := blockkit.ParseMetadata(ic.View.PrivateMetadata); err != nil {
		a.log.WarnContext(ctx, "submission of a modal not ours", "tenant", tenant, "user_id", ic.User.ID)
		return nil, true
	}
	payload, err := json.Marshal(uiPayload{Kind: kindInteraction, Interaction: raw})
	if err != nil {
		return nil, false
	}
	d := &bot.Delivery{Source: sourceUI, Tenant: tenant, Payload: payload, ReceivedAt: a.now(),
		Keys: []string{inbound.Key("slack:sub:", ic.Team.ID, ic.User.ID, ic.View.ID, cmp.Or(ic.TriggerID, ic.View.Hash))}}
	r, how := a.runInline(ctx, d, start)
	switch {
	case how == inlineFailed:
		return nil, false
	case how != inlineDone || !r.ok:
		return slack.NewClearViewSubmissionResponse(), true
	}
	ectx := context.WithoutCancel(ctx)
	if errs, i := problems(r.Replies, ic.View.State); i >= 0 {
		r.Replies = slices.Delete(slices.Clone(r.Replies), i, i+1)
		a.pipe.Background(func() { a.deliverResult(ectx, r, start, false) })
		return blockkit.ErrorsResponse(errs), true
	}
	if f, i := formFor(r.Replies, r.Work.Cmd.Actor.ID); i >= 0 {
		next := modal(f, r.Work.Cmd.Actor, r.Work.Origin)
		r.Replies = slices.Delete(slices.Clone(r.Replies), i, i+1)
		a.pipe.Background(func() { a.deliverResult(ectx, r, start, false) })
		return slack.NewUpdateViewSubmissionResponse(&next), true
	}
	a.pipe.Background(func() { a.deliverResult(ectx, r, start.Add(a.tune.trigger), false) })
	return slack.NewClearViewSubmissionResponse(), true
}

// problems finds the reply listing problems with submitted values, and
// those problems that name an input of the view: Slack shows an error only
// under an input, and refuses the whole answer for any other key. i is -1
// when no problem can be shown in the modal (then the reply goes as a
// message).
func problems(replies []bot.Reply, state *slack.ViewState) (errs map[string]string, i int) {
	for i, r := range replies {
		if len(r.Errors) == 0 || state == nil {
			continue
		}
		errs = map[string]string{}
		for name, msg := range r.Errors {
			if _, ok := state.Values[name]; ok {
				errs[name] = msg
			}
		}
		if len(errs) > 0 {
			return errs, i
		}
	}
	return nil, -1
}
