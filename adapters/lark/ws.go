package lark

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	lark "github.com/larksuite/oapi-sdk-go/v3"
	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"
	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher"
	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher/callback"
	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"
	larkws "github.com/larksuite/oapi-sdk-go/v3/ws"
)

// runSocket keeps the long connection open until ctx is done, then closes it
// with CloseAndWait so handlers in flight finish. The SDK reconnects by
// itself; an error here means it gave up (e.g. the app was refused).
func (a *Adapter) runSocket(ctx context.Context) error {
	base := a.opts.BaseURL
	if base == "" {
		base = lark.FeishuBaseUrl
	}
	cli := larkws.NewClient(a.opts.AppID, a.opts.AppSecret,
		larkws.WithEventHandler(a.dispatcher()), larkws.WithDomain(base),
		larkws.WithLogger(sdkLogger{a.log}), larkws.WithAutoReconnect(true))
	errc := make(chan error, 1)
	go func() { errc <- cli.Start(context.WithoutCancel(ctx)) }()
	select {
	case err := <-errc:
		return fmt.Errorf("lark long connection: %w", err)
	case <-ctx.Done():
	}
	cctx, cancel := context.WithTimeout(context.Background(), a.tune.pipe.ShutdownWait)
	defer cancel()
	for {
		// Retried: a Close before Start has begun its run is a no-op.
		if err := cli.CloseAndWait(cctx); err != nil {
			a.log.Warn("close long connection", "err", err)
		}
		select {
		case <-errc:
			return nil
		case <-cctx.Done():
			return nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// dispatcher routes long-connection frames into the same paths as the
// webhook: payloads arrive decrypted over the authenticated socket, unsigned.
// Every subscribed type has a handler: an unknown one is acknowledged with
// an error, and the platform resends it.
func (a *Adapter) dispatcher() *dispatcher.EventDispatcher {
	d := dispatcher.NewEventDispatcher("", "")
	d.InitConfig(larkevent.WithLogger(sdkLogger{a.log}))
	note := func(req *larkevent.EventReq) error {
		if env, err := socketEnvelope(req); err == nil {
			a.noteChat(env)
		}
		return nil
	}
	d.OnP2MessageReceiveV1(func(ctx context.Context, e *larkim.P2MessageReceiveV1) error {
		env, err := socketEnvelope(e.EventReq)
		if err != nil {
			return nil // unreadable: a resend would not read better
		}
		return a.accept(ctx, env)
	})
	d.OnP2CardActionTrigger(func(ctx context.Context, e *callback.CardActionTriggerEvent) (*callback.CardActionTriggerResponse, error) {
		start := time.Now()
		env, err := socketEnvelope(e.EventReq)
		if err != nil {
			return &callback.CardActionTriggerResponse{}, nil
		}
		return a.handleCard(ctx, env, start), nil
	})
	d.OnP2ChatMemberBotAddedV1(func(_ context.Context, e *larkim.P2ChatMemberBotAddedV1) error { return note(e.EventReq) })
	d.OnP2ChatAccessEventBotP2pChatEnteredV1(func(_ context.Context, e *larkim.P2ChatAccessEventBotP2pChatEnteredV1) error {
		return note(e.EventReq)
	})
	d.OnP2ChatMemberBotDeletedV1(func(context.Context, *larkim.P2ChatMemberBotDeletedV1) error { return nil })
	d.OnP2ChatDisbandedV1(func(context.Context, *larkim.P2ChatDisbandedV1) error { return nil })
	d.OnP2MessageReadV1(func(context.Context, *larkim.P2MessageReadV1) error { return nil })
	d.OnP2MessageRecalledV1(func(context.Context, *larkim.P2MessageRecalledV1) error { return nil })
	d.OnP1P2PChatCreatedV1(func(context.Context, *larkim.P1P2PChatCreatedV1) error { return nil })
	return d
}

// socketEnvelope reads a long-connection payload's routing fields.
func socketEnvelope(req *larkevent.EventReq) (envelope, error) {
	if req == nil {
		return envelope{}, errMalformed
	}
	return parseEnvelope(req.Body)
}

// sdkLogger passes the SDK's log lines to slog. Debug lines are dropped:
// the SDK writes whole payloads into them.
type sdkLogger struct{ log *slog.Logger }

func (sdkLogger) Debug(context.Context, ...any) {}

func (l sdkLogger) Info(ctx context.Context, args ...any) {
	l.log.InfoContext(ctx, "sdk: "+sdkText(args))
}

func (l sdkLogger) Warn(ctx context.Context, args ...any) {
	l.log.WarnContext(ctx, "sdk: "+sdkText(args))
}

func (l sdkLogger) Error(ctx context.Context, args ...any) {
	l.log.ErrorContext(ctx, "sdk: "+sdkText(args))
}

func sdkText(args []any) string { return strings.TrimSpace(fmt.Sprintln(args...)) }
