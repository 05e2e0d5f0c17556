package lark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	lark "github.com/larksuite/oapi-sdk-go/v3"
	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
	larkcontact "github.com/larksuite/oapi-sdk-go/v3/service/contact/v3"
	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"
)

// NewClient builds the Open API client: every call bounded by timeout, the
// tenant token fetched and cached by the SDK, SDK logging limited to errors
// (its debug output would carry request bodies). baseURL is BaseURL's
// answer; a test passes a larktest server's URL. opts come last, e.g. an
// instrumented HTTP client.
func NewClient(appID, appSecret, baseURL string, timeout time.Duration, opts ...lark.ClientOptionFunc) *lark.Client {
	return lark.NewClient(appID, appSecret, append([]lark.ClientOptionFunc{
		lark.WithOpenBaseUrl(baseURL),
		lark.WithReqTimeout(timeout),
		lark.WithEnableTokenCache(true),
		lark.WithLogLevel(larkcore.LogLevelError),
		lark.WithLogReqAtDebug(false),
	}, opts...)...)
}

// BaseURL is the Open API base for LARK_DOMAIN: "feishu" (the default) and
// "lark" name the two platforms; anything else is already a base URL (a
// private deployment, or a fake in tests), which config has validated.
func BaseURL(domain string) string {
	switch domain {
	case "", "feishu":
		return lark.FeishuBaseUrl
	case "lark":
		return lark.LarkBaseUrl
	default:
		return domain
	}
}

// openAPI lists the only SDK calls the adapter makes, so tests can put a
// fault in front of the real SDK.
type openAPI interface {
	CreateMessage(ctx context.Context, req *larkim.CreateMessageReq) (*larkim.CreateMessageResp, error)
	PatchMessage(ctx context.Context, req *larkim.PatchMessageReq) (*larkim.PatchMessageResp, error)
	GetUser(ctx context.Context, req *larkcontact.GetUserReq) (*larkcontact.GetUserResp, error)
	GetChat(ctx context.Context, req *larkim.GetChatReq) (*larkim.GetChatResp, error)
	// CreateFile uploads a file (an export) for a file message.
	CreateFile(ctx context.Context, req *larkim.CreateFileReq) (*larkim.CreateFileResp, error)
	// Post is for APIs without a typed method: the delayed card update.
	Post(ctx context.Context, path string, body any, tokenType larkcore.AccessTokenType, opts ...larkcore.RequestOptionFunc) (*larkcore.ApiResp, error)
}

// sdk is openAPI on the real client.
type sdk struct{ c *lark.Client }

func (s sdk) CreateMessage(ctx context.Context, req *larkim.CreateMessageReq) (*larkim.CreateMessageResp, error) {
	return s.c.Im.V1.Message.Create(ctx, req)
}

func (s sdk) PatchMessage(ctx context.Context, req *larkim.PatchMessageReq) (*larkim.PatchMessageResp, error) {
	return s.c.Im.V1.Message.Patch(ctx, req)
}

func (s sdk) GetUser(ctx context.Context, req *larkcontact.GetUserReq) (*larkcontact.GetUserResp, error) {
	return s.c.Contact.V3.User.Get(ctx, req)
}

func (s sdk) GetChat(ctx context.Context, req *larkim.GetChatReq) (*larkim.GetChatResp, error) {
	return s.c.Im.V1.Chat.Get(ctx, req)
}

func (s sdk) CreateFile(ctx context.Context, req *larkim.CreateFileReq) (*larkim.CreateFileResp, error) {
	return s.c.Im.V1.File.Create(ctx, req)
}

func (s sdk) Post(ctx context.Context, path string, body any, tokenType larkcore.AccessTokenType, opts ...larkcore.RequestOptionFunc) (*larkcore.ApiResp, error) {
	return s.c.Post(ctx, path, body, tokenType, opts...)
}

// result is what the platform answered a call.
type result struct {
	status int
	code   int
	msg    string
	header http.Header
}

// resultOf reads an SDK response's HTTP status, headers and code.
func resultOf(r *larkcore.ApiResp, ce larkcore.CodeError) result {
	res := result{code: ce.Code, msg: ce.Msg}
	if r != nil {
		res.status, res.header = r.StatusCode, r.Header
	}
	return res
}

// rawResult reads a response the SDK did not decode (client.Post).
func rawResult(r *larkcore.ApiResp) (result, error) {
	var ce larkcore.CodeError
	if err := json.Unmarshal(r.RawBody, &ce); err != nil {
		return result{}, fmt.Errorf("HTTP %d with a body that is not JSON: %w", r.StatusCode, err)
	}
	return resultOf(r, ce), nil
}

// Platform codes the adapter acts on.
const (
	codeRateLimited = 99991400 // gateway frequency limit, HTTP 429
	codeFrequency   = 230020   // IM frequency limit, HTTP 400
	codeRecalled    = 230011
	codeTooOld      = 230031
)

// APIError is an answer the platform gave instead of doing what was asked.
// Its message is the platform's, never the content that was sent.
type APIError struct {
	Op     string // what was being done: "send", "patch", "card update", "get user"
	Status int    // HTTP status
	Code   int    // the platform's code
	Msg    string
}

// Error says what was being done and what the platform answered.
func (e *APIError) Error() string {
	return fmt.Sprintf("%s: feishu code %d (HTTP %d): %s", e.Op, e.Code, e.Status, e.Msg)
}

// Is lets errors.Is match the sentinels below by code.
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	return ok && t.Op == "" && t.Code == e.Code
}

// RateLimited reports a frequency-limit answer (429, 99991400 or 230020).
func (e *APIError) RateLimited() bool {
	return e.Status == http.StatusTooManyRequests || e.Code == codeRateLimited || e.Code == codeFrequency
}

// Terminal answers: trying again cannot help.
var (
	// ErrRecalled: the card to update was recalled (230011).
	ErrRecalled = &APIError{Code: codeRecalled, Msg: "the message was recalled"}
	// ErrTooOld: the card to update is older than 14 days (230031).
	ErrTooOld = &APIError{Code: codeTooOld, Msg: "messages can be updated for 14 days"}
)

// Temporary reports whether a delivery error may pass by trying again later:
// a rate limit or transport failure that outlasted the attempts, or a
// deadline. Trying again is safe: a reply keeps its uuid, so the platform
// sends it once. Refusals and terminal answers are not temporary.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if Temporary(e) {
				return true
			}
		}
		return false
	}
	var ae *APIError
	switch {
	case errors.Is(err, ErrPrivateToGroup), errors.Is(err, ErrNoRecipient), errors.Is(err, ErrFileTooLarge):
		return false
	case errors.As(err, &ae):
		return ae.RateLimited() || ae.Status >= 500
	}
	var ip *larkcore.IllegalParamError
	return !errors.As(err, &ip)
}

// judge turns an attempt into nil (done), a wait before trying again, or a
// negative wait for an answer no retry can change.
func judge(op string, res result, err error, attempt int) (time.Duration, error) {
	if err != nil {
		var ce larkcore.CodeError
		if errors.As(err, &ce) { // the SDK could not get a tenant token
			ae := &APIError{Op: op + ": tenant token", Code: ce.Code, Msg: ce.Msg}
			if ae.RateLimited() {
				return resetWait(nil), ae
			}
			return -1, ae
		}
		var ip *larkcore.IllegalParamError
		if errors.As(err, &ip) {
			return -1, fmt.Errorf("%s: %w", op, err)
		}
		return backoff(attempt), fmt.Errorf("%s: %w", op, err)
	}
	if res.code == 0 && res.status < 300 {
		return 0, nil
	}
	ae := &APIError{Op: op, Status: res.status, Code: res.code, Msg: res.msg}
	switch {
	case ae.RateLimited():
		return resetWait(res.header), ae
	case res.status >= 500:
		return backoff(attempt), ae
	}
	return -1, ae
}

// resetWait is how long a rate-limited call waits: x-ogw-ratelimit-reset
// seconds (1 s when absent, at most a minute), plus a little jitter so
// waiting callers do not all come back in the same millisecond.
func resetWait(h http.Header) time.Duration {
	secs := 1
	if n, err := strconv.Atoi(h.Get("x-ogw-ratelimit-reset")); err == nil && n > 0 {
		secs = min(n, 60)
	}
	return time.Duration(secs)*time.Second + rand.N(100*time.Millisecond)
}
