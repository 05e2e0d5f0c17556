package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/pipbot/pipbot/adapters/pace"
	"strconv"
	"time"

	"github.com/slack-go/slack"
)

// Exactly-once without an idempotency key.
const (
	// metadataType marks pipbot's messages; their payload's "key" is the
	// hash of the reply's key, never the key itself (it may name a plan).
	metadataType = "pipbot_message"
	// sentTTL is how long a key stays marked as being sent, and how far
	// back the channel is searched for it.
	sentTTL = 24 * time.Hour
	// historyPages bounds the search: pages of historyPage messages.
	historyPages = 3
	historyPage  = 200
)

// post sends m to channel as a new message and returns its ts. With a key
// it is sent once as far as Slack lets us know:
//
//  1. before the first call, Sent marks the key as being sent for 24 h;
//  2. a key marked before (a retry after an unknown outcome, a redelivery,
//     a restart after a crash) first searches the channel's recent history
//     for a message whose metadata carries the key's hash, and posts only
//     when there is none; when the marker store is down, it checks too;
//  3. within the call, a timeout, a lost answer or a 5xx is retried the
//     same way, through the search; a 429 posted nothing, so it is
//     retried after Retry-After without one.
//
// A duplicate is still possible when the search cannot see the first post:
// two senders overlap (another replica, or Slack still processing a post
// whose answer we gave up on while the retry searches); the first post is
// older than the 24 h or the 600 messages searched; or history lags behind
// a post. The first is the real window: about one attempt's timeout after
// a lost answer. Without a key (or without Sent) a retry may post twice.
func (s *Sender) post(ctx context.Context, team, channel, key string, m rendered) (string, error) {
	const op = "post message"
	opts := []slack.MsgOption{slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...)}
	var hash string
	check := false
	if key != "" {
		hash = keyHash(team, key)
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: metadataType,
			EventPayload: map[string]any{"key": hash}}))
		check = s.begun(ctx, team, key)
	}
	bs := s.postBuckets(team, channel)
	t := tries{max: s.attempts}
	for {
		if check {
			ts, found, err := s.find(ctx, team, channel, hash)
			if err != nil {
				return "", fmt.Errorf("look for an earlier post: %w", err)
			}
			if found {
				return ts, nil
			}
		}
		var ts string
		o, wait, err := s.attempt(ctx, bs, func(ctx context.Context) error {
			_, posted, err := s.api.PostMessageContext(ctx, channel, opts...)
			ts = posted
			return err
		})
		if o == callDone {
			return ts, nil
		}
		pause, gerr := t.next(ctx, op, o, wait, err)
		if gerr != nil {
			return "", gerr
		}
		check = check || (o == callUnknown && hash != "")
		s.log.Warn("post will be retried", "tenant", tenantOf(team), "wait", pause, "check_first", check, "err", err)
		if err := pace.Sleep(ctx, pause); err != nil {
			return "", &sendError{op: op, err: err, temp: true}
		}
	}
}

// begun marks key as being sent and reports whether it may have been sent
// already: marked before, or the marker store is unavailable.
func (s *Sender) begun(ctx context.Context, team, key string) bool {
	if s.sent == nil {
		return false
	}
	first, err := s.sent.SeenOnce(ctx, "slack:sent:"+team+":"+key, sentTTL)
	if err != nil {
		s.log.Warn("sent marker unavailable, checking the channel before posting", "tenant", tenantOf(team), "err", err)
		return true
	}
	return !first
}

// find searches the channel's messages of the last sentTTL, newest first,
// for one whose metadata carries hash.
func (s *Sender) find(ctx context.Context, team, channel, hash string) (ts string, found bool, err error) {
	oldest := s.now().Add(-sentTTL).Unix()
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: historyPage,
		Oldest: strconv.FormatInt(oldest, 10) + ".000000", IncludeAllMetadata: true}
	for range historyPages {
		var page *slack.GetConversationHistoryResponse
		err := s.repeat(ctx, "read history", s.methodBucket(team, "conversations.history", s.pace.History),
			func(ctx context.Context) error {
				var err error
				page, err = s.api.GetConversationHistoryContext(ctx, params)
				return err
			})
		if err != nil {
			return "", false, err
		}
		for _, m := range page.Messages {
			if m.Metadata.EventType == metadataType && m.Metadata.EventPayload["key"] == hash {
				return m.Timestamp, true, nil
			}
		}
		if !page.HasMore || page.ResponseMetaData.NextCursor == "" {
			break
		}
		params.Cursor = page.ResponseMetaData.NextCursor
	}
	return "", false, nil
}

// keyHash is what a message's metadata carries for key: the same on every
// retry and replica, and says nothing of the key.
func keyHash(team, key string) string {
	sum := sha256.Sum256([]byte(team + "\x00" + key))
	return hex.EncodeToString(sum[:16])
}

// attempt makes one call after its buckets, within s.timeout. A 429 holds
// the last bucket for Retry-After, so no caller of this process spins
// against Slack while it is limited.
func (s *Sender) attempt(ctx context.Context, bs []pace.Bucket, do func(context.Context) error) (outcome, time.Duration, error) {
	if err := s.pacer.Acquire(ctx, bs); err != nil {
		return callTerminal, 0, fmt.Errorf("wait for rate limit: %w", err)
	}
	actx, cancel := context.WithTimeout(ctx, s.timeout)
	err := do(actx)
	cancel()
	o, wait := judgeOutcome(err)
	if o == callLimited {
		s.pacer.Hold(bs[len(bs)-1].Key, wait)
	}
	return o, wait, err
}

// repeat runs a call whose repetition is harmless (an update, a read, an
// open) until it succeeds, is refused for good or s.attempts run out.
func (s *Sender) repeat(ctx context.Context, op string, bs []pace.Bucket, do func(context.Context) error) error {
	t := tries{max: s.attempts}
	for {
		o, wait, err := s.attempt(ctx, bs, do)
		if o == callDone {
			return nil
		}
		pause, gerr := t.next(ctx, op, o, wait, err)
		if gerr != nil {
			return gerr
		}
		s.log.Warn("slack call will be retried", "op", op, "wait", pause, "err", err)
		if err := pace.Sleep(ctx, pause); err != nil {
			return &sendError{op: op, err: err, temp: true}
		}
	}
}

// maxLimited bounds the 429s one call waits out.
const maxLimited = 20

// tries counts one call's failed attempts: unknown outcomes up to max,
// rate limits up to maxLimited (a 429 did nothing, so waiting it out costs
// time, never a duplicate).
type tries struct{ unknown, limited, max int }

// next judges a failed attempt: the pause before the next one, or the
// error to give up with.
func (t *tries) next(ctx context.Context, op string, o outcome, wait time.Duration, err error) (time.Duration, error) {
	switch {
	case ctx.Err() != nil:
		return 0, &sendError{op: op, err: ctx.Err(), temp: true}
	case o == callTerminal:
		return 0, &sendError{op: op, err: err}
	case o == callLimited:
		if t.limited++; t.limited > maxLimited {
			return 0, &sendError{op: op, err: fmt.Errorf("still rate limited after %d waits: %w", maxLimited, err), temp: true}
		}
		return wait, nil
	}
	if t.unknown++; t.unknown >= t.max {
		return 0, &sendError{op: op, err: fmt.Errorf("gave up after %d attempts: %w", t.unknown, err), temp: true}
	}
	return retryPause(t.unknown), nil
}
