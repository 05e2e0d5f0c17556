package slacktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Block Kit limits the fake holds messages and views to, as Slack does
// (Block Kit reference: blocks, section, header, context; views.open).
const (
	MaxMessageBlocks = 50   // blocks in a message
	MaxViewBlocks    = 100  // blocks in a modal or home tab
	maxSectionText   = 3000 // a section's text, a context element's text
	maxSectionFields = 10
	maxFieldText     = 2000
	maxHeaderText    = 150
	maxMetadata      = 3000 // a view's private_metadata
)

// refuse is Slack's answer to arguments it will not take: ok false, the
// error code, and what is wrong with a JSON pointer to it, in
// response_metadata.messages (and errors, for invalid_blocks), e.g.
// "[ERROR] no more than 50 items allowed [json-pointer:/blocks]".
func refuse(code, problem, pointer string) reply {
	msg := fmt.Sprintf("%s [json-pointer:%s]", problem, pointer)
	body := map[string]any{"ok": false, "error": code,
		"response_metadata": map[string]any{"messages": []string{"[ERROR] " + msg}}}
	if code == "invalid_blocks" {
		body["errors"] = []string{msg}
	}
	return reply{status: http.StatusOK, body: body}
}

// checkBlocks holds blocks (the JSON list at pointer) to at most limit
// blocks and each block's text limits; code is the error of a breach:
// invalid_blocks for messages, invalid_arguments for views.
func checkBlocks(raw json.RawMessage, limit int, code, pointer string) (reply, bool) {
	var list []map[string]json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return refuse(code, "must be an array of blocks", pointer), false
	}
	if len(list) > limit {
		return refuse(code, fmt.Sprintf("no more than %d items allowed", limit), pointer), false
	}
	type text struct {
		Text string `json:"text"`
	}
	long := func(s string, n int) bool { return utf8.RuneCountInString(s) > n }
	for i, b := range list {
		at := fmt.Sprintf("%s/%d", pointer, i)
		var t text
		if raw, ok := b["text"]; ok && json.Unmarshal(raw, &t) == nil {
			var typ string
			_ = json.Unmarshal(b["type"], &typ)
			limit := maxSectionText
			if typ == "header" {
				limit = maxHeaderText
			}
			if long(t.Text, limit) {
				return refuse(code, fmt.Sprintf("must be less than %d characters", limit+1), at+"/text/text"), false
			}
		}
		var fields []text
		if raw, ok := b["fields"]; ok && json.Unmarshal(raw, &fields) == nil {
			if len(fields) > maxSectionFields {
				return refuse(code, fmt.Sprintf("no more than %d items allowed", maxSectionFields), at+"/fields"), false
			}
			for j, f := range fields {
				if long(f.Text, maxFieldText) {
					return refuse(code, fmt.Sprintf("must be less than %d characters", maxFieldText+1), fmt.Sprintf("%s/fields/%d/text", at, j)), false
				}
			}
		}
		var elements []text
		if raw, ok := b["elements"]; ok && string(b["type"]) == `"context"` && json.Unmarshal(raw, &elements) == nil {
			for j, e := range elements {
				if long(e.Text, maxSectionText) {
					return refuse(code, fmt.Sprintf("must be less than %d characters", maxSectionText+1), fmt.Sprintf("%s/elements/%d/text", at, j)), false
				}
			}
		}
	}
	return reply{}, true
}
