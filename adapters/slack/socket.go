package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// runSocket keeps a Socket Mode connection open until ctx is done. slack-go
// reconnects by itself (after Slack's "disconnect", a dead socket or a
// missed ping); an error here means it gave up, say on a revoked app token.
// Every envelope is handled on its own goroutine and acknowledged within
// Slack's 3 s, through the same paths as HTTP.
func (a *Adapter) runSocket(ctx context.Context) error {
	api := NewClient(a.opts.BotToken, a.opts.APIURL, apiTimeout, slack.OptionAppLevelToken(a.opts.AppToken))
	sm := socketmode.New(api, socketmode.OptionLog(sdkLogger{a.log}))
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-sm.Events:
			a.onSocketEvent(ctx, sm, evt)
		case <-ctx.Done():
			select {
			case <-errc:
			case <-time.After(a.tune.pipe.ShutdownWait):
				a.log.Warn("socket mode did not stop in time")
			}
			return nil
		}
	}
}

// acker is the part of the Socket Mode client that acknowledges envelopes.
type acker interface {
	Ack(req socketmode.Request, payload ...any) error
}

// onSocketEvent routes one Socket Mode event: envelopes to their handlers,
// connection events to the log.
func (a *Adapter) onSocketEvent(ctx context.Context, sm acker, evt socketmode.Event) {
	start := time.Now()
	envelope := evt.Type == socketmode.EventTypeEventsAPI || evt.Type == socketmode.EventTypeSlashCommand ||
		evt.Type == socketmode.EventTypeInteractive
	if envelope && evt.Request == nil {
		return
	}
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		req := *evt.Request
		a.pipe.Background(func() { a.socketEvent(ctx, sm, req) })
	case socketmode.EventTypeSlashCommand:
		req := *evt.Request
		sc, ok := evt.Data.(slack.SlashCommand)
		if !ok || sc.TeamID == "" || sc.UserID == "" || sc.TriggerID == "" {
			a.log.WarnContext(ctx, "malformed slash command envelope")
			a.ack(ctx, sm, req, nil)
			return
		}
		a.pipe.Background(func() { a.ack(ctx, sm, req, a.slashCommand(ctx, sc, start)) })
	case socketmode.EventTypeInteractive:
		req := *evt.Request
		ic, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			a.ack(ctx, sm, req, nil)
			return
		}
		a.pipe.Background(func() {
			if payload, ok := a.interaction(ctx, req.Payload, ic, start); ok {
				a.ack(ctx, sm, req, payload)
			}
		})
	case socketmode.EventTypeErrorBadMessage:
		a.badEnvelope(ctx, sm, evt.Data)
	case socketmode.EventTypeConnected, socketmode.EventTypeDisconnect:
		a.log.InfoContext(ctx, "socket mode", "state", string(evt.Type))
	case socketmode.EventTypeConnectionError:
		if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			a.log.WarnContext(ctx, "socket mode", "state", string(evt.Type), "attempt", e.Attempt, "err", e.ErrorObj)
		}
	case socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError:
		a.log.WarnContext(ctx, "socket mode", "state", string(evt.Type))
	}
}

// socketEvent records an Events API envelope through the HTTP path and
// acknowledges it once durable; when the write fails, or the installed
// workspace is unknown, it is not acknowledged, and Slack sends it again.
// An event of another workspace is acknowledged and dropped (see accept).
func (a *Adapter) socketEvent(ctx context.Context, sm acker, req socketmode.Request) {
	env, err := parseEnvelope(req.Payload)
	if err == nil && env.Type == typeCallback {
		if err := a.accept(ctx, env, req.Payload, strconv.Itoa(req.RetryAttempt)); err != nil {
			a.log.ErrorContext(ctx, "record event", "tenant", tenantOf(env.TeamID), "event_id", env.EventID, "err", err)
			return
		}
	}
	a.ack(ctx, sm, req, nil)
}

// badEnvelope handles an envelope slack-go could not parse, e.g. an Events
// API event of a type it does not know: events go through the adapter's own
// reading; anything else is acknowledged, since a retry would fail alike.
func (a *Adapter) badEnvelope(ctx context.Context, sm acker, data any) {
	bad, ok := data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var req socketmode.Request
	if json.Unmarshal(bad.Message, &req) != nil || req.EnvelopeID == "" {
		a.log.WarnContext(ctx, "unreadable socket mode message", "err", bad.Cause)
		return
	}
	if req.Type == socketmode.RequestTypeEventsAPI {
		a.pipe.Background(func() { a.socketEvent(ctx, sm, req) })
		return
	}
	a.log.WarnContext(ctx, "unreadable socket mode envelope", "type", req.Type, "err", bad.Cause)
	a.ack(ctx, sm, req, nil)
}

// ack acknowledges an envelope, with payload when there is one (a slash
// command's answer, a submission's errors).
func (a *Adapter) ack(ctx context.Context, sm acker, req socketmode.Request, payload any) {
	var err error
	if payload == nil {
		err = sm.Ack(req)
	} else {
		err = sm.Ack(req, payload)
	}
	if err != nil {
		a.log.WarnContext(ctx, "acknowledge envelope", "type", req.Type, "err", err)
	}
}

// sdkLogger passes slack-go's Socket Mode lines (debug only, and never
// enabled: they carry payloads) to slog at debug level.
type sdkLogger struct{ log *slog.Logger }

func (l sdkLogger) Output(_ int, s string) error {
	l.log.Debug("socketmode: " + strings.TrimSpace(s))
	return nil
}
