package blockkit

import (
	"strings"
	"unicode/utf16"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// Messages is m as one or more messages of Block Kit blocks, each within
// Slack's 50 blocks, for a reply too long for one: nothing is dropped.
// Long text was already split into sections of at most 3,000 characters;
// here the blocks are cut into runs of at most MaxMessageBlocks, a run
// never ending with a header, and every message after the first goes on
// from where the one before stopped.
func Messages(m bot.Message, o Options) [][]slack.Block {
	r := &renderer{o: o}
	bs := r.blocks(m)
	if len(bs) <= MaxMessageBlocks {
		return [][]slack.Block{bs}
	}
	var out [][]slack.Block
	for len(bs) > 0 {
		n := min(len(bs), MaxMessageBlocks)
		if n < len(bs) && n > 1 && bs[n-1].BlockType() == slack.MBTHeader {
			n-- // a header goes with what it heads
		}
		out = append(out, bs[:n:n])
		bs = bs[n:]
	}
	return out
}

// sections is text (mrkdwn, already escaped) as section blocks of at most
// maxText characters each, cut at line ends where it can be.
func sections(text string) []slack.Block {
	var out []slack.Block
	for _, p := range pieces(text, maxText) {
		out = append(out, slack.NewSectionBlock(markdown(p), nil, nil))
	}
	return out
}

// pieces cuts s into parts of at most n UTF-16 units: whole lines while
// they fit, a longer line at a character boundary that splits no entity
// (&amp; &lt; &gt;).
func pieces(s string, n int) []string {
	if length(s) <= n {
		return []string{s}
	}
	var out []string
	var cur strings.Builder
	used := 0
	flush := func() {
		if t := strings.TrimRight(cur.String(), "\n"); strings.TrimSpace(t) != "" {
			out = append(out, t)
		}
		cur.Reset()
		used = 0
	}
	for line := range strings.SplitAfterSeq(s, "\n") {
		l := length(line)
		if used+l <= n {
			cur.WriteString(line)
			used += l
			continue
		}
		flush()
		for length(line) > n {
			head := cutAt(line, n)
			out = append(out, head)
			line = line[len(head):]
		}
		cur.WriteString(line)
		used = length(line)
	}
	flush()
	return out
}

// cutAt is the longest prefix of s within n UTF-16 units that does not end
// inside an entity.
func cutAt(s string, n int) string {
	used, end := 0, 0
	for i, r := range s {
		if used += max(utf16.RuneLen(r), 1); used > n {
			break
		}
		end = i + len(string(r))
	}
	head := s[:end]
	if amp := strings.LastIndexByte(head, '&'); amp >= 0 && amp > len(head)-6 && !strings.Contains(head[amp:], ";") {
		head = head[:amp]
	}
	return head
}
