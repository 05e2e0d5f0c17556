package blockkit

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/slack-go/slack"
)

// escaper writes the three characters Slack reads as control sequences
// (mentions, links, dates) as the entities its formatting guide asks for.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape is s shown literally in mrkdwn: no mention, link or special
// command can come out of it.
func escape(s string) string { return escaper.Replace(s) }

// zwsp lets a bold marker touch CJK text or digits: Slack only reads * as
// a marker at a word boundary.
const zwsp = "\u200b"

// mrkdwn turns engine text into Slack mrkdwn: **bold** pairs become *bold*,
// everything else is escaped and shown as typed, newlines kept. An
// unmatched ** stays literal.
func mrkdwn(s string) string {
	parts := strings.Split(s, "**")
	var b strings.Builder
	for i, p := range parts {
		bold := i%2 == 1 && i < len(parts)-1
		if i%2 == 1 && !bold {
			b.WriteString("**")
		}
		t := strings.TrimSpace(p)
		if !bold || t == "" {
			if bold {
				b.WriteString("****") // an empty pair, shown as typed
			}
			b.WriteString(escape(p))
			continue
		}
		at := strings.Index(p, t)
		lead, trail := p[:at], p[at+len(t):]
		b.WriteString(escape(lead))
		if lead == "" && i > 0 && wordEnd(parts[i-1]) {
			b.WriteString(zwsp)
		}
		b.WriteString("*" + escape(t) + "*")
		if trail == "" && i+1 < len(parts) && wordStart(parts[i+1]) {
			b.WriteString(zwsp)
		}
		b.WriteString(escape(trail))
	}
	return b.String()
}

// wordEnd says whether s ends in a character that would glue to a marker.
func wordEnd(s string) bool {
	r := []rune(s)
	return len(r) > 0 && !unicode.IsSpace(r[len(r)-1]) && !unicode.IsPunct(r[len(r)-1])
}

// wordStart says whether s begins with a character that would glue to a marker.
func wordStart(s string) bool {
	for _, r := range s {
		return !unicode.IsSpace(r) && !unicode.IsPunct(r)
	}
	return false
}

// length is s's length in UTF-16 units: Slack's limits count characters,
// and no count of them is larger than this one.
func length(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// clip shortens s to at most n UTF-16 units, ending with an ellipsis when
// cut. An entity such as &amp; is never cut in half.
func clip(s string, n int) string {
	if length(s) <= n {
		return s
	}
	var b strings.Builder
	used := 1 // the ellipsis
	for _, r := range s {
		if used += max(utf16.RuneLen(r), 1); used > n {
			break
		}
		b.WriteRune(r)
	}
	out := b.String()
	if amp := strings.LastIndexByte(out, '&'); amp >= 0 && !strings.Contains(out[amp:], ";") {
		out = out[:amp]
	}
	return strings.TrimRight(out, " \n"+zwsp) + "…"
}

// oneLine is s with line breaks as spaces, for texts Slack shows on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// plain is a plain_text object (never parsed for mentions or links) cut to n.
func plain(s string, n int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, clip(s, n), true, false)
}

// markdown is a verbatim mrkdwn object: Slack neither links bare URLs nor
// parses names in it. s must already be escaped and within the limit.
func markdown(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}
