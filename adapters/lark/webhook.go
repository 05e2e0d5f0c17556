package lark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Inbox sources: messages are handled by the worker; card clicks inline by
// the callback, and by the worker only when the callback could not (another
// replica claimed the click, or the process died mid-click).
const (
	sourceEvents = "lark"
	sourceCards  = "lark-card"
)

// serveHTTP answers POST /lark/events and /lark/cards: verify, then echo a
// challenge, answer a card click, or record an event and acknowledge it.
// Nothing is parsed into the engine before verification passes.
func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.tune.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "too large", http.StatusBadRequest)
			return
		}
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	env, err := a.verify.open(r.Header, body)
	var ref refusal
	switch {
	case errors.As(err, &ref):
		a.log.WarnContext(r.Context(), "request refused", "reason", ref.reason, "path", r.URL.Path)
		w.WriteHeader(http.StatusUnauthorized)
		return
	case err != nil:
		http.Error(w, "malformed body", http.StatusBadRequest)
		return
	}
	switch {
	case env.Verify:
		writeJSON(w, map[string]string{"challenge": env.Challenge})
	case env.EventType == eventCard:
		writeJSON(w, a.handleCard(r.Context(), env, start))
	default:
		if err := a.accept(r.Context(), env); err != nil {
			a.log.ErrorContext(r.Context(), "record event", "tenant", tenantOf(env.TenantKey),
				"event_id", env.EventID, "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		writeJSON(w, struct{}{})
	}
}

// accept records an event the bot must handle and returns once it is
// durable, so the platform may be acknowledged; other events are only
// noted. An error means the platform must be told to retry.
func (a *Adapter) accept(ctx context.Context, env envelope) error {
	if env.EventType != eventMessage {
		a.noteChat(env)
		return nil
	}
	var ev messageEvent
	if err := json.Unmarshal(env.Raw, &ev); err != nil {
		// Verified but unreadable: a retry would not read better.
		a.log.WarnContext(ctx, "unreadable message event", "event_id", env.EventID, "err", err)
		return nil
	}
	m := ev.Event.Message
	a.chats.note(m.ChatID, m.ChatType)
	if _, ok := a.addressed(ev); !ok {
		return nil
	}
	var keys []string
	if env.EventID != "" {
		keys = append(keys, "lark:ev:"+env.EventID)
	}
	if m.MessageID != "" {
		keys = append(keys, "lark:msg:"+m.MessageID)
	}
	if len(keys) == 0 {
		a.log.WarnContext(ctx, "message event without ids", "tenant", tenantOf(env.TenantKey))
		return nil
	}
	d := &bot.Delivery{Source: sourceEvents, Tenant: tenantOf(env.TenantKey), Keys: keys,
		Payload: env.Raw, ReceivedAt: a.now()}
	fresh, err := a.pipe.Record(ctx, d)
	if err != nil {
		return fmt.Errorf("message event %s: %w", env.EventID, err)
	}
	if !fresh {
		a.log.InfoContext(ctx, "duplicate event", "tenant", d.Tenant, "event_id", env.EventID)
	}
	return nil
}

// noteChat remembers the kind of a chat the bot was added to or opened.
func (a *Adapter) noteChat(env envelope) {
	var ev struct {
		Event struct {
			ChatID string `json:"chat_id"`
		} `json:"event"`
	}
	if json.Unmarshal(env.Raw, &ev) != nil {
		return
	}
	switch env.EventType {
	case eventBotAdded:
		a.chats.note(ev.Event.ChatID, "group")
	case eventP2PEntered:
		a.chats.note(ev.Event.ChatID, "p2p")
	}
}

// writeJSON answers 200 with v as JSON; the SDK's handler drops the
// Content-Type, which Feishu needs for card responses.
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
