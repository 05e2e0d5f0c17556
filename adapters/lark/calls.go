package lark

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/pipbot/pipbot/adapters/lark/card"
	"github.com/pipbot/pipbot/bot"
)

// The three calls that put a reply in front of someone: a new message, a
// patch of a sent card, a delayed update of a clicked card by its token.
// Each goes through call: rate-limit buckets, timeout, retries.

// createCards sends r, a reply to the event o, to t as a new card and returns
// the message id. A reply too long for one card goes as several in order
// (card.Split), each with its own uuid derived from uuid, so a retry sends
// none twice; the id is the last card's, which holds the buttons and forms
// of a reply that ends with them (as the engine's do), so an update of the
// message by its id finds them.
func (s *Sender) createCards(ctx context.Context, o Origin, t target, r bot.Reply, uuid string) (string, error) {
	l := s.localeOf(ctx, o.TenantKey, t)
	var last string
	for i, m := range card.Split(r.Message, cardOptions(o, r, l)) {
		part := r
		part.Message = m
		id, err := s.createOne(ctx, o, t, part, l, partUUID(uuid, i))
		if err != nil {
			return "", err
		}
		last = id
	}
	return last, nil
}

// partUUID is the uuid of the i-th card of a reply sent as several: the
// reply's own for the first, one derived from it for the others.
func partUUID(uuid string, i int) string {
	if uuid == "" || i == 0 {
		return uuid
	}
	sum := sha256.Sum256([]byte(uuid + "#" + strconv.Itoa(i)))
	return hex.EncodeToString(sum[:])[:len(uuid)]
}

// createOne sends r to t as one new card for a reader of locale l.
func (s *Sender) createOne(ctx context.Context, o Origin, t target, r bot.Reply, l bot.Locale, uuid string) (string, error) {
	_, content, err := render(o, r, l)
	if err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	body := larkim.NewCreateMessageReqBodyBuilder().ReceiveId(t.id).MsgType("interactive").Content(content)
	if uuid != "" {
		body = body.Uuid(uuid)
	}
	req := larkim.NewCreateMessageReqBuilder().ReceiveIdType(t.idType).Body(body.Build()).Build()
	var id string
	err = s.call(ctx, "send", s.buckets(apiCreate, t.scope()), func(ctx context.Context) (result, error) {
		resp, err := s.api.CreateMessage(ctx, req)
		if err != nil {
			return result{}, err
		}
		if resp.Data != nil && resp.Data.MessageId != nil {
			id = *resp.Data.MessageId
		}
		return resultOf(resp.ApiResp, resp.CodeError), nil
	})
	return id, err
}

// patch replaces the clicked card o.CardMessageID with r's card.
func (s *Sender) patch(ctx context.Context, o Origin, r bot.Reply) error {
	_, content, err := render(o, r, s.readerLocale(ctx, o))
	if err != nil {
		return fmt.Errorf("patch: %w", err)
	}
	req := larkim.NewPatchMessageReqBuilder().MessageId(o.CardMessageID).
		Body(larkim.NewPatchMessageReqBodyBuilder().Content(content).Build()).Build()
	return s.call(ctx, "patch", s.buckets(apiPatch, o.CardMessageID), func(ctx context.Context) (result, error) {
		resp, err := s.api.PatchMessage(ctx, req)
		if err != nil {
			return result{}, err
		}
		return resultOf(resp.ApiResp, resp.CodeError), nil
	})
}

// updatePath is the delayed card update, which the SDK has no method for.
const updatePath = "/open-apis/interactive/v1/card/update"

// updateByToken replaces the clicked card through its callback token.
func (s *Sender) updateByToken(ctx context.Context, o Origin, r bot.Reply) error {
	c, _, err := render(o, r, s.readerLocale(ctx, o))
	if err != nil {
		return fmt.Errorf("card update: %w", err)
	}
	body := map[string]any{"token": o.UpdateToken, "card": c}
	return s.call(ctx, "card update", s.buckets(apiCardUpdate, ""), func(ctx context.Context) (result, error) {
		resp, err := s.api.Post(ctx, updatePath, body, larkcore.AccessTokenTypeTenant)
		if err != nil {
			return result{}, err
		}
		return rawResult(resp)
	})
}

// readerLocale is the language of whoever sees the clicked card: its
// clicker in a one-to-one chat, the tenant default in a group.
func (s *Sender) readerLocale(ctx context.Context, o Origin) bot.Locale {
	if o.Group() || o.OperatorID == "" {
		return s.locale
	}
	return s.localeOf(ctx, o.TenantKey, target{idType: "open_id", id: o.OperatorID})
}

// render is the card of r, a reply to the event o, for a reader with
// locale l (see cardOptions), as the JSON the API takes.
func render(o Origin, r bot.Reply, l bot.Locale) (map[string]any, string, error) {
	c := card.Render(r.Message, cardOptions(o, r, l))
	b, err := json.Marshal(c)
	if err != nil {
		return nil, "", fmt.Errorf("encode card: %w", err)
	}
	return c, string(b), nil
}

// localeOf is the language of a message's reader: a user's chosen one, the
// tenant default for groups and strangers.
func (s *Sender) localeOf(ctx context.Context, tenantKey string, t target) bot.Locale {
	if t.idType != "open_id" || s.people == nil {
		return s.locale
	}
	if p, err := s.people.Person(ctx, tenantOf(tenantKey), t.id); err == nil && p.Locale != "" {
		return p.Locale
	}
	return s.locale
}
