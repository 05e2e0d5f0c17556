package card

import (
	"fmt"
	"sort"

	"github.com/pipbot/pipbot/bot"
)

// maxParts is the most cards one message goes out as. Past it the last
// card holds the rest and Render shortens it, with its note.
const maxParts = 5

// Split is m as the messages it goes out as on Feishu: m alone when its
// card fits whole (forms paged as Render pages them); otherwise runs of its
// blocks in order, each the most that fit one card unshortened, the title
// on each with its part number, so a long plan reads in full over a few
// cards instead of shortened in one. A block too large for a card alone
// goes alone, and Render shortens it. Buttons and forms stay in the run
// they fall in.
func Split(m bot.Message, o Options) []bot.Message {
	if whole(m, o) {
		return []bot.Message{m}
	}
	var parts []bot.Message
	rest := m.Blocks
	for len(rest) > 1 && len(parts) < maxParts-1 {
		k := len(parts)
		// The first prefix length that does not fit: the run is one shorter.
		n := sort.Search(len(rest), func(i int) bool { return !whole(part(m, rest[:i+1], k, o), o) })
		if n == len(rest) {
			break // the rest fits one card
		}
		n = max(n, 1)
		parts = append(parts, part(m, rest[:n], k, o))
		rest = rest[n:]
	}
	return append(parts, part(m, rest, len(parts), o))
}

// whole reports whether m's card fits without shortening.
func whole(m bot.Message, o Options) bool {
	pm, po := paginate(m, o)
	return fits(build(pm, po))
}

// part is the k-th card (from 0) of m, holding blocks: m's title, numbered
// from the second part on.
func part(m bot.Message, blocks []bot.Block, k int, o Options) bot.Message {
	p := m
	p.Blocks = blocks
	if k > 0 && m.Title != "" {
		p.Title = clip(m.Title, maxTitle-12) + " " + fmt.Sprintf(phrase(o.Locale, "part"), k+1)
	}
	return p
}
