package slacktest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
)

func dividers(n int) []slack.Block {
	out := make([]slack.Block, n)
	for i := range out {
		out[i] = slack.NewDividerBlock()
	}
	return out
}

// metadataMessage is the first response_metadata message of err.
func metadataMessage(err error) string {
	var e slack.SlackErrorResponse
	if errors.As(err, &e) && len(e.ResponseMetadata.Messages) > 0 {
		return e.ResponseMetadata.Messages[0]
	}
	return ""
}

// TestViewBlockLimit: a modal of 100 blocks opens; one of 101, or with
// private_metadata over 3,000 characters, is refused as Slack refuses it,
// invalid_arguments with the reason in response_metadata, and not kept.
func TestViewBlockLimit(t *testing.T) {
	s := slacktest.NewServer(t)
	c := client(s, slacktest.BotToken)
	v := modal("Update")
	v.Blocks.BlockSet = dividers(100)
	if _, err := c.OpenViewContext(ctx, s.Trigger("U1"), v); err != nil {
		t.Fatalf("100 blocks: %v", err)
	}
	v.Blocks.BlockSet = dividers(101)
	_, err := c.OpenViewContext(ctx, s.Trigger("U1"), v)
	if slackErr(err) != "invalid_arguments" || !strings.Contains(metadataMessage(err), "no more than 100 items allowed [json-pointer:/view/blocks]") {
		t.Errorf("101 blocks: %v (%q)", err, metadataMessage(err))
	}
	v.Blocks.BlockSet = dividers(1)
	v.PrivateMetadata = strings.Repeat("x", 3001)
	if _, err := c.OpenViewContext(ctx, s.Trigger("U1"), v); slackErr(err) != "invalid_arguments" {
		t.Errorf("long private_metadata: %v", err)
	}
	if n := len(s.Views()); n != 1 {
		t.Errorf("%d views kept, want the one that fits", n)
	}
}

// TestMessageBlockLimits: a message of 50 blocks posts; 51 blocks, or a
// section of 3,001 characters, is refused with invalid_blocks and not
// posted.
func TestMessageBlockLimits(t *testing.T) {
	s := slacktest.NewServer(t)
	c := client(s, slacktest.BotToken)
	if _, _, err := c.PostMessageContext(ctx, "U1", slack.MsgOptionBlocks(dividers(50)...)); err != nil {
		t.Fatalf("50 blocks: %v", err)
	}
	_, _, err := c.PostMessageContext(ctx, "U1", slack.MsgOptionBlocks(dividers(51)...))
	if slackErr(err) != "invalid_blocks" || !strings.Contains(metadataMessage(err), "no more than 50 items allowed") {
		t.Errorf("51 blocks: %v", err)
	}
	long := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("长", 3001), false, true), nil, nil)
	_, _, err = c.PostMessageContext(ctx, "U1", slack.MsgOptionBlocks(long))
	if slackErr(err) != "invalid_blocks" || !strings.Contains(metadataMessage(err), "/blocks/0/text/text") {
		t.Errorf("3,001 characters: %v (%q)", err, metadataMessage(err))
	}
	exact := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("长", 3000), false, true), nil, nil)
	if _, _, err := c.PostMessageContext(ctx, "U1", slack.MsgOptionBlocks(exact)); err != nil {
		t.Errorf("3,000 characters: %v", err)
	}
	if n := len(s.Messages()); n != 2 {
		t.Errorf("%d messages posted, want 2", n)
	}
}
