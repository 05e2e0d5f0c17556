package slack

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/pipbot/pipbot/adapters/inbound"
	"net/http"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// Kinds of inline request the inbox keeps.
const (
	kindCommand     = "command"
	kindInteraction = "interaction"
)

// uiPayload is an inline request as the inbox keeps it: the slash command,
// or the interaction's JSON as Slack sent it.
type uiPayload struct {
	Kind        string              `json:"kind"`
	Command     *slack.SlashCommand `json:"command,omitempty"`
	Interaction json.RawMessage     `json:"interaction,omitempty"`
}

// uiRequest is an inline request translated for the engine.
type uiRequest struct {
	cmd  bot.Command
	o    Origin
	home bool // clicked in the App Home
}

// serveInteraction answers POST /slack/interactions: verify the raw body,
// and only then read its payload field (slack-go reads it from the body
// only, since v0.35).
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, ok := a.readVerified(w, r)
	if !ok {
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, r.URL.Path, bytes.NewReader(body))
	if err != nil {
		http.Error(w, "malformed body", http.StatusBadRequest)
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ic, err := slack.InteractionCallbackParse(req)
	if err != nil {
		http.Error(w, "malformed body", http.StatusBadRequest)
		return
	}
	ack, ok := a.interaction(r.Context(), json.RawMessage(req.PostForm.Get("payload")), ic, start)
	switch {
	case !ok:
		w.WriteHeader(http.StatusInternalServerError)
	case ack != nil:
		writeJSON(w, ack)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// interaction answers a verified interaction, over HTTP or Socket Mode; ack
// is the acknowledgment's body (nil: empty), and ok false asks for a
// failure, so the user sees the submission did not go through.
func (a *Adapter) interaction(ctx context.Context, raw json.RawMessage, ic slack.InteractionCallback, start time.Time) (ack any, ok bool) {
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		a.blockAction(ctx, raw, ic, start)
		return nil, true
	case slack.InteractionTypeViewSubmission:
		return a.viewSubmission(ctx, raw, ic, start)
	}
	return nil, true // view_closed, shortcuts: nothing to do
}

// blockAction handles a button click: refused before the engine when the
// clicker is of another workspace; an "open form" button carrying its form
// opens it at once; any other button of ours is recorded (a replay has no
// effect) and run inline, as the clicking user, so that a form answer opens
// as a modal with this click's trigger. What the engine answers is
// delivered after the acknowledgment, a Replace reply updating the clicked
// message.
func (a *Adapter) blockAction(ctx context.Context, raw json.RawMessage, ic slack.InteractionCallback, start time.Time) {
	if len(ic.ActionCallback.BlockActions) == 0 {
		return
	}
	act, tenant, ectx := ic.ActionCallback.BlockActions[0], tenantOf(ic.Team.ID), context.WithoutCancel(ctx)
	if ok, why := a.sameWorkspace(ctx, ic.Team.ID, ic.User.TeamID); !ok {
		a.log.WarnContext(ctx, "click refused", "reason", why, "tenant", tenant, "user_id", ic.User.ID)
		a.pipe.Background(func() { a.ephemeral(ectx, originOf(ic), msgNotAllowed.in("")) })
		return
	}
	if blockkit.IsFormButton(act.ActionID) {
		if of, err := blockkit.ParseForm(act.Value); err == nil && of.Form != nil {
			a.pipe.Background(func() { a.openFormButton(ectx, ic, *of.Form, start) })
			return
		}
	}
	if _, err := clickInput(act); err != nil {
		if !errors.Is(err, blockkit.ErrNotOurs) {
			a.log.WarnContext(ctx, "unreadable click", "tenant", tenant, "user_id", ic.User.ID, "err", err)
		}
		return
	}
	d := &bot.Delivery{Source: sourceUI, Tenant: tenant, ReceivedAt: a.now(),
		Keys: []string{inbound.Key("slack:act:", ic.Team.ID, ic.User.ID, cmp.Or(ic.Container.MessageTs, ic.Container.ViewID),
			act.ActionID, act.ActionTs)}}
	var err error
	if d.Payload, err = json.Marshal(uiPayload{Kind: kindInteraction, Interaction: raw}); err != nil {
		return
	}
	switch r, how := a.runInline(ctx, d, start); {
	case how == inlineFailed:
		a.pipe.Background(func() { a.ephemeral(ectx, originOf(ic), msgBusy.in("")) })
	case how == inlineDone && r.ok:
		a.pipe.Background(func() { a.deliverResult(ectx, r, start.Add(a.tune.trigger), false) })
	}
}

// openFormButton opens the form an "open form" button carries, as a modal
// for the clicker; no engine call, nothing changes until it is submitted.
func (a *Adapter) openFormButton(ctx context.Context, ic slack.InteractionCallback, f bot.Form, start time.Time) {
	actor, o := a.actor(ctx, ic.Team.ID, ic.User.ID), originOf(ic)
	if !a.openModal(ctx, f, actor, o, time.Until(start.Add(a.tune.trigger))) {
		a.ephemeral(ctx, o, msgBusy.in(actor.Locale))
	}
}

// clickInput reads a clicked button of ours into the engine's action: an
// engine action, or an "open form" button too long to carry its form, whose
// action then runs without values so the engine answers with the form.
func clickInput(act *slack.BlockAction) (*bot.ActionInput, error) {
	if !blockkit.IsFormButton(act.ActionID) {
		return blockkit.ParseAction(act.ActionID, act.Value)
	}
	of, err := blockkit.ParseForm(act.Value)
	if err != nil {
		return nil, fmt.Errorf("open-form button: %w", err)
	}
	return &bot.ActionInput{ID: of.Action.ID, Args: of.Action.Args}, nil
}

// originOf is where an interaction happened: the clicked message (unless
// ephemeral, which chat.update cannot reach), or no conversation for a
// view (a modal, the App Home).
func originOf(ic slack.InteractionCallback) Origin {
	o := Origin{TeamID: ic.Team.ID, UserID: ic.User.ID, TriggerID: ic.TriggerID, ResponseURL: ic.ResponseURL,
		ViewID: cmp.Or(ic.Container.ViewID, ic.View.ID)}
	if ic.Container.Type == "view" || ic.Type == slack.InteractionTypeViewSubmission {
		return o
	}
	o.ChannelID = cmp.Or(ic.Container.ChannelID, ic.Channel.ID)
	o.ChannelType = channelKindByName(ic.Channel.Name, o.ChannelID)
	if !ic.Container.IsEphemeral {
		o.MessageTS = cmp.Or(ic.Container.MessageTs, ic.Message.Timestamp)
	}
	return o
}

// uiCommand translates a recorded inline request for the engine. The actor
// is the user Slack says sent it, never anything a button or modal carries.
func (a *Adapter) uiCommand(ctx context.Context, raw []byte) (uiRequest, bool, error) {
	var p uiPayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return uiRequest{}, false, fmt.Errorf("read inline request: %w", err)
	}
	switch {
	case p.Kind == kindCommand && p.Command != nil:
		return a.slashRequest(ctx, *p.Command), true, nil
	case p.Kind == kindInteraction:
		var ic slack.InteractionCallback
		if err := json.Unmarshal(p.Interaction, &ic); err != nil {
			return uiRequest{}, false, fmt.Errorf("read interaction: %w", err)
		}
		return a.interactionRequest(ctx, ic)
	}
	return uiRequest{}, false, fmt.Errorf("read inline request: unknown kind %q", p.Kind)
}

// interactionRequest is a recorded click or submission as the engine's
// command. A submission answers in the conversation the form was asked
// from, and may replace the message it was asked from.
func (a *Adapter) interactionRequest(ctx context.Context, ic slack.InteractionCallback) (uiRequest, bool, error) {
	actor, o := a.actor(ctx, ic.Team.ID, ic.User.ID), originOf(ic)
	var in *bot.ActionInput
	var err error
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		if len(ic.ActionCallback.BlockActions) == 0 {
			return uiRequest{}, false, nil
		}
		in, err = clickInput(ic.ActionCallback.BlockActions[0])
	case slack.InteractionTypeViewSubmission:
		var meta blockkit.Metadata
		in, meta, err = blockkit.ParseView(ic.View, zoneOf(actor))
		o.ChannelID, o.MessageTS, o.ChannelType = meta.Channel, meta.MessageTS, ""
		if meta.Channel != "" {
			o.ChannelType = channelKind("", meta.Channel)
		}
	default:
		return uiRequest{}, false, nil
	}
	if err != nil {
		return uiRequest{}, false, fmt.Errorf("read %s: %w", ic.Type, err)
	}
	cmd := bot.Command{Platform: bot.PlatformSlack, Tenant: tenantOf(ic.Team.ID), Actor: actor,
		Chat: bot.Chat{ID: o.ChannelID, Group: o.ChannelID != "" && !o.DM()}, Action: in}
	return uiRequest{cmd: cmd, o: o, home: ic.View.Type == slack.VTHomeTab}, true, nil
}
