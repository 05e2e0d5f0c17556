package slack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
)

func TestNewClientAddsSlash(t *testing.T) {
	fake := slacktest.NewServer(t)
	base := strings.TrimSuffix(fake.APIURL(), "/")
	got, err := NewClient(slacktest.BotToken, base, time.Second).AuthTestContext(outCtx)
	if err != nil || got.TeamID != slacktest.TeamID {
		t.Errorf("auth.test through %q: %+v, %v", base, got, err)
	}
}

func TestJudgeOutcome(t *testing.T) {
	tests := []struct {
		err  error
		want outcome
		wait time.Duration
	}{
		{nil, callDone, 0},
		{&slack.RateLimitedError{RetryAfter: 7 * time.Second}, callLimited, 7 * time.Second},
		{fmt.Errorf("post: %w", &slack.RateLimitedError{}), callLimited, time.Second},
		{slack.StatusCodeError{Code: 429}, callLimited, time.Second},
		{slack.StatusCodeError{Code: 503}, callUnknown, 0},
		{slack.StatusCodeError{Code: 404}, callTerminal, 0},
		{slack.SlackErrorResponse{Err: "channel_not_found"}, callTerminal, 0},
		{slack.SlackErrorResponse{Err: "internal_error"}, callUnknown, 0},
		{slack.SlackErrorResponse{Err: "fatal_error"}, callUnknown, 0},
		{context.DeadlineExceeded, callUnknown, 0},
		{&net.OpError{Op: "read", Err: errors.New("connection reset")}, callUnknown, 0},
		{errors.New("EOF"), callUnknown, 0},
		{context.Canceled, callTerminal, 0},
	}
	for _, tt := range tests {
		got, wait := judgeOutcome(tt.err)
		if got != tt.want || wait != tt.wait {
			t.Errorf("judgeOutcome(%v) = %d, %v; want %d, %v", tt.err, got, wait, tt.want, tt.wait)
		}
	}
}
