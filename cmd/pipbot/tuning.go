package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pipbot/pipbot/adapters/lark"
	"github.com/pipbot/pipbot/adapters/slack"
)

// linkTuning is empty in every release build. Only the multi-replica test
// (replicas_test.go) sets it, at link time, to run the real binary against
// fake platforms whose ceilings it scales up, so that thousands of sends
// and a replica's lease running out fit in a test's minutes:
//
//	go build -ldflags "-X main.linkTuning=pace=20,lease=20s,dispatch=2s"
//
// It is not configuration: an operator cannot set it, and serve warns
// when a binary carries it.
var linkTuning = ""

// tuning is linkTuning parsed; zero fields keep serve's defaults.
type tuning struct {
	pace     float64       // multiplies both platforms' send buckets, as the fakes' Scale options do
	lease    time.Duration // the dispatcher's claim lease (scheduler.DefaultLease)
	dispatch time.Duration // the ticker's dispatch period (scheduler.DefaultDispatchEvery)
}

// parseTuning reads "pace=F,lease=D,dispatch=D"; "" is no tuning.
func parseTuning(s string) (tuning, error) {
	var t tuning
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		var err error
		switch k {
		case "pace":
			t.pace, err = strconv.ParseFloat(v, 64)
			if err == nil && t.pace <= 0 {
				err = fmt.Errorf("must be positive")
			}
		case "lease":
			t.lease, err = time.ParseDuration(v)
		case "dispatch":
			t.dispatch, err = time.ParseDuration(v)
		default:
			err = fmt.Errorf("unknown setting")
		}
		if err != nil {
			return tuning{}, fmt.Errorf("link-time tuning %q: %s: %w", s, k, err)
		}
	}
	return t, nil
}

// larkLimits are the Feishu sender's buckets: zero (the defaults) unless
// paced.
func (t tuning) larkLimits() lark.Limits {
	if t.pace == 0 {
		return lark.Limits{}
	}
	return lark.DefaultLimits().Scale(t.pace)
}

// slackPace is the Slack sender's pace: zero (the defaults) unless paced.
func (t tuning) slackPace() slack.Pace {
	if t.pace == 0 {
		return slack.Pace{}
	}
	return slack.DefaultPace().Scale(t.pace)
}
