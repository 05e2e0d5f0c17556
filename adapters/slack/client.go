package slack

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// NewClient builds the Web API client: every HTTP call bounded by timeout,
// pointed at apiURL (Slack's own when empty; a slacktest server in tests).
// It never retries by itself: Slack has no idempotency key, so a blind
// retry of chat.postMessage after a lost answer posts twice; the Sender
// retries through its check instead. opts add e.g. the app-level token
// Socket Mode needs.
func NewClient(botToken, apiURL string, timeout time.Duration, opts ...slack.Option) *slack.Client {
	if apiURL == "" {
		apiURL = slack.APIURL
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/" // slack-go appends the method name directly
	}
	base := []slack.Option{
		slack.OptionAPIURL(apiURL),
		slack.OptionHTTPClient(&http.Client{Timeout: timeout}),
	}
	return slack.New(botToken, append(base, opts...)...)
}

// outboundAPI lists the only Web API calls the Sender and the Directory
// make (*slack.Client), so tests can put a fault in front of the real SDK.
type outboundAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	GetUserProfileContext(ctx context.Context, params *slack.GetUserProfileParameters) (*slack.UserProfile, error)
}

// outcome is what an attempt's error says about the call.
type outcome int

const (
	callDone     outcome = iota // succeeded
	callLimited                 // refused by a rate limit: nothing happened; wait and repeat
	callUnknown                 // may or may not have happened (timeout, lost answer, 5xx)
	callTerminal                // refused for good: no retry changes it
)

// judgeOutcome classifies err from one Web API call; wait is Retry-After
// for a rate limit.
func judgeOutcome(err error) (o outcome, wait time.Duration) {
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	var ne net.Error
	switch {
	case err == nil:
		return callDone, 0
	case errors.As(err, &rl):
		return callLimited, max(rl.RetryAfter, time.Second)
	case errors.As(err, &se):
		switch se.Err {
		case "ratelimited":
			return callLimited, time.Second
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			// Slack: "it's possible some aspect of the operation succeeded".
			return callUnknown, 0
		}
		return callTerminal, 0
	case errors.As(err, &sc):
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return callLimited, time.Second // 429 without Retry-After
		case sc.Code >= 500:
			return callUnknown, 0
		}
		return callTerminal, 0
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne):
		return callUnknown, 0
	case errors.Is(err, context.Canceled):
		return callTerminal, 0
	}
	// A transport failure whose request may have reached Slack.
	return callUnknown, 0
}

// slackCode is the Slack error code in err ("channel_not_found"), or "".
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// sendError is a call that failed; Temporary tells the inbound worker (and
// the scheduler) whether trying the reply again later may succeed.
type sendError struct {
	op   string
	err  error
	temp bool
}

func (e *sendError) Error() string   { return e.op + ": " + e.err.Error() }
func (e *sendError) Unwrap() error   { return e.err }
func (e *sendError) Temporary() bool { return e.temp }
