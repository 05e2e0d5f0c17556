package card

import (
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/pipbot/pipbot/bot"
)

// fit renders a message that is too large for one card. First every text
// (paragraphs, field values, context) is cut to the longest length that
// fits, never below minClip runes; if even that is too large, display
// blocks are dropped from the end, keeping buttons and forms. Either way a
// closing note says so. Each step is a binary search, so a huge message
// costs a few dozen renders, not thousands.
func fit(m bot.Message, o Options) map[string]any {
	try := func(m bot.Message) (map[string]any, bool) {
		card := build(withNote(m, o), o)
		return card, fits(card)
	}
	longest := minClip
	for _, s := range texts(m.Blocks) {
		longest = max(longest, utf8.RuneCountInString(s))
	}
	// The largest cap in [minClip, longest) whose card fits; none when even
	// the shortest does not (too many components, not bytes).
	n := longest - minClip
	if _, ok := try(capTexts(m, minClip)); ok {
		n = sort.Search(longest-minClip, func(i int) bool {
			_, ok := try(capTexts(m, longest-1-i))
			return ok
		})
	}
	if n < longest-minClip {
		card, _ := try(capTexts(m, longest-1-n))
		return card
	}
	m = capTexts(m, minClip)
	var display []int // indices of blocks that may be dropped
	for i, b := range m.Blocks {
		switch b.(type) {
		case bot.Buttons, bot.Form:
		default:
			display = append(display, i)
		}
	}
	keep := func(k int) bot.Message { // the first k display blocks and all others
		c := m
		c.Blocks = nil
		for i, b := range m.Blocks {
			if j, ok := slices.BinarySearch(display, i); !ok || j < k {
				c.Blocks = append(c.Blocks, b)
			}
		}
		return c
	}
	k := sort.Search(len(display)+1, func(i int) bool {
		_, ok := try(keep(len(display) - i))
		return ok
	})
	card, _ := try(keep(max(len(display)-k, 0)))
	return card
}

// texts are the strings fit may shorten.
func texts(blocks []bot.Block) []string {
	var out []string
	for _, b := range blocks {
		switch b := b.(type) {
		case bot.Text:
			out = append(out, b.Body)
		case bot.Context:
			out = append(out, string(b))
		case bot.Fields:
			for _, f := range b {
				out = append(out, f.Value)
			}
		}
	}
	return out
}

// capTexts is m with every shortenable text cut to at most n runes.
func capTexts(m bot.Message, n int) bot.Message {
	blocks := make([]bot.Block, len(m.Blocks))
	for i, b := range m.Blocks {
		switch b := b.(type) {
		case bot.Text:
			b.Body = clip(b.Body, n)
			blocks[i] = b
		case bot.Context:
			blocks[i] = bot.Context(clip(string(b), n))
		case bot.Fields:
			fs := slices.Clone(b)
			for j := range fs {
				fs[j].Value = clip(fs[j].Value, n)
			}
			blocks[i] = fs
		default:
			blocks[i] = b
		}
	}
	m.Blocks = blocks
	return m
}

// withNote is m with a closing line saying text was shortened.
func withNote(m bot.Message, o Options) bot.Message {
	m.Blocks = append(slices.Clip(m.Blocks), bot.Context(phrase(o.Locale, "truncated")))
	return m
}
