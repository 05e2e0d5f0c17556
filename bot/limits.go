package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits of what people type, in characters (README, "Limits").
// They keep a card under the platforms' size limits (30 KB on Feishu, 3,000
// characters a Slack text block) and a record readable.
const (
	maxName    = 60   // a metric, a unit, a person's role text
	maxReason  = 500  // a reason, a comment, a disagreement, lessons learned
	maxText    = 2000 // an update, a note, an interview record, a review
	maxCommand = 4000 // a whole message
)

// Count limits of one plan (README, "Limits"): enough for any plan the
// seed's tables describe, few enough that its forms fit one Feishu card
// and one Slack modal and its cards stay readable. The renderers still fit
// larger plans, stored before these limits, to each platform (shortened
// cards, paged forms, split messages). Core problems are capped by
// maxProblems (problem.go).
const (
	maxGoals   = 10 // goals of a plan
	maxActions = 20 // actions of a plan
	maxCauses  = 5  // root causes of one core problem
)

// checkRoom refuses adding one more item to a list that already holds
// limit, with key's message (its argument the limit) under input field.
func checkRoom(field, key string, have, limit int) error {
	if have >= limit {
		return fieldErr(field, key, limit)
	}
	return nil
}

// label is a field's name in the reader's language, resolved when the
// error is shown (T): "field_label.<name>", or the name itself when
// there is no text for it.
type label string

// checkLength refuses text longer than limit characters, naming the field
// in the reader's language.
func checkLength(field, s string, limit int) error {
	if n := utf8.RuneCountInString(s); n > limit {
		args := []any{label(field), n, limit}
		return &Error{Code: EINVALID, Key: "err.too_long", Args: args,
			Fields: []FieldError{{Name: field, Key: "err.too_long", Args: args}}}
	}
	return nil
}

// invisible reports whether s holds characters that show as nothing or
// change how text reads (zero-width spaces and joiners, direction marks
// and overrides, other format and control characters but tab and newline).
// A command word written with them could look like another one.
func invisible(s string) bool {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
		case unicode.Is(unicode.Cf, r), unicode.IsControl(r), r == '\u2800', r == '\u3164', r == '\uFFA0':
			return true
		}
	}
	return false
}

// commandHead is the part of a message that decides what it does: the verb
// and the word after it (a plan number, a mention, a sub-command).
func commandHead(text string) string {
	w := fields(text)
	if len(w) > 2 {
		w = w[:2]
	}
	return strings.Join(w, " ")
}
