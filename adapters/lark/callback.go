package lark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher/callback"
	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/adapters/lark/card"
	"github.com/pipbot/pipbot/bot"
)

// cardEvent is the part of card.action.trigger the adapter reads. The
// clicker is operator.open_id in operator.tenant_key, and nothing else: the
// value only routes the click to an engine action.
type cardEvent struct {
	Header struct {
		EventID   string `json:"event_id"`
		TenantKey string `json:"tenant_key"`
	} `json:"header"`
	Event struct {
		Operator struct {
			TenantKey *string `json:"tenant_key"`
			OpenID    string  `json:"open_id"`
		} `json:"operator"`
		Token  string `json:"token"` // delayed-update token
		Action struct {
			Value     map[string]any `json:"value"`
			FormValue map[string]any `json:"form_value"`
		} `json:"action"`
		Context struct {
			OpenMessageID string `json:"open_message_id"`
			OpenChatID    string `json:"open_chat_id"`
		} `json:"context"`
	} `json:"event"`
}

// handleCard answers a verified card click within the platform's 3 s: it
// checks the operator, records the click (a redelivery of the same
// callback has no effect), runs the engine inline and answers with the
// replacement card or a toast; when the engine needs longer than
// tune.budget (counted from start), it answers "working on it" and the
// replies follow through the delayed update. Feishu never resends a click
// to a webhook, so the recorded click is what makes a crash mid-click
// recoverable: a worker claims it once its lease runs out.
//
// The click's dedupe key is its callback: the tenant and the event id (the
// update token, when there is none). A second, deliberate click of the same
// button is a new callback and is answered; the engine decides what a
// repeated decision means.
func (a *Adapter) handleCard(ctx context.Context, env envelope, start time.Time) *callback.CardActionTriggerResponse {
	var ev cardEvent
	if err := json.Unmarshal(env.Raw, &ev); err != nil {
		a.log.WarnContext(ctx, "unreadable card click", "event_id", env.EventID, "err", err)
		return &callback.CardActionTriggerResponse{}
	}
	op, tenant := ev.Event.Operator, tenantOf(env.TenantKey)
	if op.OpenID == "" || op.TenantKey == nil || *op.TenantKey != env.TenantKey {
		a.log.WarnContext(ctx, "card click refused: operator missing or of another tenant",
			"tenant", tenant, "event_id", env.EventID)
		return toast("error", msgNotAllowed)
	}
	act := ev.Event.Action
	if _, err := card.ParseAction(act.Value, act.FormValue); err != nil {
		if !errors.Is(err, card.ErrNoAction) {
			a.log.WarnContext(ctx, "unreadable card action", "tenant", tenant, "event_id", env.EventID, "err", err)
		}
		return &callback.CardActionTriggerResponse{}
	}
	d := &bot.Delivery{Source: sourceCards, Tenant: tenant, Payload: env.Raw, ReceivedAt: a.now(), Keys: cardKeys(env, ev)}
	if len(d.Keys) == 0 {
		a.log.WarnContext(ctx, "card click without event id or token", "tenant", tenant)
		return &callback.CardActionTriggerResponse{}
	}
	fresh, err := a.pipe.Inline(ctx, d)
	switch {
	case err != nil:
		a.log.ErrorContext(ctx, "record card click", "tenant", tenant, "user_id", op.OpenID, "event_id", env.EventID, "err", err)
		return toast("error", msgBusy)
	case !fresh:
		return &callback.CardActionTriggerResponse{} // a redelivery
	}
	r, ok, inTime := a.pipe.Answer(ctx, *d, start.Add(a.tune.budget))
	switch {
	case !inTime:
		return toast("info", msgWorking) // the replies follow through the delayed update
	case !ok:
		return &callback.CardActionTriggerResponse{}
	}
	r.Work.Origin.UpdateToken = "" // answered in the callback itself
	resp, rest := a.answerCard(ctx, r.Replies, r.Work.Origin, r.Work.Cmd.Actor)
	ectx := context.WithoutCancel(ctx)
	a.pipe.Background(func() { a.pipe.Complete(ectx, r, rest) })
	return resp
}

// cardKeys are a click's dedupe keys: its callback, in its tenant.
func cardKeys(env envelope, ev cardEvent) []string {
	switch {
	case env.EventID != "":
		return []string{inbound.Key("lark:cardev:", env.TenantKey, env.EventID)}
	case ev.Event.Token != "":
		return []string{inbound.Key("lark:cardtok:", env.TenantKey, ev.Event.Token)}
	}
	return nil
}

// cardCommand turns a recorded click into the engine's command and where to
// answer. The chat is a DM unless the adapter knows it is a group (see
// chatKind); Actor is the operator, never anything the card value says.
func (a *Adapter) cardCommand(ctx context.Context, raw []byte, last bool) (cmd bot.Command, o Origin, ok bool, err error) {
	var ev cardEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return cmd, o, false, fmt.Errorf("read card click: %w", err)
	}
	in, err := card.ParseAction(ev.Event.Action.Value, ev.Event.Action.FormValue)
	if err != nil {
		return cmd, o, false, fmt.Errorf("read card action: %w", err)
	}
	tk, e := ev.Header.TenantKey, ev.Event
	kind, err := a.chatKind(ctx, tk, e.Context.OpenChatID, last)
	if err != nil {
		return cmd, o, false, err
	}
	o = Origin{TenantKey: tk, ChatID: e.Context.OpenChatID, ChatType: kind, CardMessageID: e.Context.OpenMessageID,
		OperatorID: e.Operator.OpenID, EventID: ev.Header.EventID}
	cmd = bot.Command{Platform: bot.PlatformLark, Tenant: tenantOf(tk), Actor: a.actor(ctx, tk, e.Operator.OpenID),
		Chat: bot.Chat{ID: e.Context.OpenChatID, Group: kind == "group"}, Action: in, EventID: ev.Header.EventID}
	return cmd, o, true, nil
}

// chatKind says whether a clicked card sits in a p2p chat or a group. A card
// callback does not say, so: what the adapter saw of the chat; else what
// Options.Chats answers; else p2p, since private cards are only sent
// one-to-one. A failed lookup leaves the click for a later attempt
// (inbound.ErrTryLater), so that every run of one click decides the same
// way; on the last attempt it counts as a group, where private content
// stays out.
func (a *Adapter) chatKind(ctx context.Context, tenantKey, chatID string, last bool) (string, error) {
	if k := a.chats.get(chatID); k != "" {
		return k, nil
	}
	if a.opts.Chats == nil || chatID == "" {
		return "p2p", nil
	}
	ctx, cancel := context.WithTimeout(ctx, a.tune.profile)
	defer cancel()
	k, err := a.opts.Chats.ChatType(ctx, tenantKey, chatID)
	if err != nil || k == "" {
		a.log.WarnContext(ctx, "look up chat type", "tenant", tenantOf(tenantKey), "last_attempt", last, "err", err)
		if !last {
			if err == nil {
				err = errors.New("empty chat type")
			}
			return "", fmt.Errorf("chat type of a clicked card: %w (%w)", inbound.ErrTryLater, err)
		}
		return "group", nil
	}
	a.chats.note(chatID, k)
	return kindOf(k), nil
}

// cardToken is a recorded click's delayed-update token.
func cardToken(raw []byte) string {
	var ev cardEvent
	_ = json.Unmarshal(raw, &ev)
	return ev.Event.Token
}
