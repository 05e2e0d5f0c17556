package lark

import (
	"context"
	"fmt"
	"github.com/pipbot/pipbot/adapters/directory"
	"log/slog"
	"time"

	lark "github.com/larksuite/oapi-sdk-go/v3"
	larkcontact "github.com/larksuite/oapi-sdk-go/v3/service/contact/v3"
	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/pipbot/pipbot/bot"
)

// codeNoUserAuthority is the contact API's answer for a user who does not
// exist or is outside the app's availability range.
const codeNoUserAuthority = 41050

// Directory is the contact API behind a cache in People: who someone is,
// and who their manager is in the org chart, so a plan can default its
// approver to it. It also says what kind of chat a chat is.
type Directory struct {
	api     openAPI
	cache   *directory.Cache
	timeout time.Duration
	log     *slog.Logger
}

// NewDirectory builds a Directory whose profiles are fetched again once
// older than ttl (24 h when zero). clock may be nil for time.Now.
func NewDirectory(client *lark.Client, people directory.People, ttl time.Duration, clock func() time.Time) *Directory {
	return newDirectory(sdk{c: client}, people, ttl, clock)
}

func newDirectory(api openAPI, people directory.People, ttl time.Duration, clock func() time.Time) *Directory {
	return &Directory{api: api, cache: directory.NewCache(people, ttl, clock, discard), timeout: 10 * time.Second,
		log: discard}
}

// WithLog makes the Directory log failed refreshes to log.
func (d *Directory) WithLog(log *slog.Logger) *Directory {
	d.log = log.With("component", "lark")
	d.cache.WithLog(d.log)
	return d
}

// Profile is the person openID of the tenant: from the cache when fresh,
// else from the contact API and saved. What the user chose in pipbot (their
// language) and the HR flag are kept; the API has no language field. When
// the API fails, a cached profile, however old, is the answer.
func (d *Directory) Profile(ctx context.Context, tenantKey, openID string) (bot.Person, error) {
	return d.cache.Profile(ctx, tenantOf(tenantKey), openID, func(ctx context.Context, cached bot.Person) (bot.Person, error) {
		u, err := d.fetch(ctx, openID)
		if err != nil {
			return bot.Person{}, err
		}
		return merge(cached, u), nil
	})
}

// fetch reads one user, with ids (the leader's too) as open_ids, the ids
// the engine knows people by.
func (d *Directory) fetch(ctx context.Context, openID string) (*larkcontact.User, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	req := larkcontact.NewGetUserReqBuilder().UserId(openID).
		UserIdType(larkcontact.UserIdTypeOpenId).DepartmentIdType("open_department_id").Build()
	resp, err := d.api.GetUser(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	if !resp.Success() {
		res := resultOf(resp.ApiResp, resp.CodeError)
		ae := &APIError{Op: "get user", Status: res.status, Code: res.code, Msg: res.msg}
		if res.code == codeNoUserAuthority {
			// Unknown, or outside the app's availability range: to the
			// engine that person does not exist.
			return nil, fmt.Errorf("%w: %w", bot.ErrNotFound, ae)
		}
		return nil, ae
	}
	if resp.Data == nil || resp.Data.User == nil {
		return nil, fmt.Errorf("get user: answer without a user")
	}
	return resp.Data.User, nil
}

// merge updates the cached person with the directory's answer: name (the
// English one when there is no other), manager and time zone when the
// answer has them. Locale and HR stay as pipbot knows them.
func merge(p bot.Person, u *larkcontact.User) bot.Person {
	switch {
	case u.Name != nil && *u.Name != "":
		p.Name = *u.Name
	case u.EnName != nil && *u.EnName != "":
		p.Name = *u.EnName
	}
	if u.LeaderUserId != nil {
		p.ManagerID = *u.LeaderUserId
	}
	if u.TimeZone != nil && *u.TimeZone != "" {
		if _, err := time.LoadLocation(*u.TimeZone); err == nil {
			p.TZ = *u.TimeZone
		}
	}
	return p
}

// ChatType says whether a chat is "p2p" or "group" (topic groups count as
// groups), for a card clicked in a chat the adapter has not seen a message
// from: private content must not be answered into a group.
func (d *Directory) ChatType(ctx context.Context, tenantKey, chatID string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	resp, err := d.api.GetChat(ctx, larkim.NewGetChatReqBuilder().ChatId(chatID).Build())
	if err != nil {
		return "", fmt.Errorf("get chat %s: %w", chatID, err)
	}
	if !resp.Success() {
		res := resultOf(resp.ApiResp, resp.CodeError)
		return "", &APIError{Op: "get chat", Status: res.status, Code: res.code, Msg: res.msg}
	}
	if resp.Data == nil || resp.Data.ChatMode == nil {
		return "", fmt.Errorf("get chat %s: answer without chat_mode", chatID)
	}
	if *resp.Data.ChatMode == "p2p" {
		return "p2p", nil
	}
	return "group", nil
}
