package card

import (
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// MaxComponents is the most components Render puts in a card. Feishu
// refuses a card with more than 200 (card error 300305, "element exceeds
// the limit"); they are counted as Components counts them.
const MaxComponents = 200

// Room the page of a form leaves for what fit may add around it: the
// closing note and the bytes of shortened texts.
const (
	pageSlackBytes      = 1 << 10
	pageSlackComponents = 4
)

// keyValues is the callback value key of the values a paged form carries
// for the inputs not on its page (ParseAction puts them back).
const keyValues = "values"

// Components counts card's components the strict way: every object with a
// "tag" in its header and body, at any depth, the text objects (plain_text)
// of labels, placeholders and options included. Feishu does not publish
// how it counts; counted so, a card that passes here passes there (the
// fake, larktest, counts the same way).
func Components(card map[string]any) int {
	n := 0
	var visit func(any)
	visit = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["tag"].(string); ok {
				n++
			}
			for k, c := range x {
				if k != "chart_spec" { // a chart's data, not components
					visit(c)
				}
			}
		case []map[string]any:
			for _, c := range x {
				visit(c)
			}
		case []any:
			for _, c := range x {
				visit(c)
			}
		}
	}
	visit(card["header"])
	visit(card["body"])
	return n
}

// fits reports whether Feishu takes card: at most MaxBytes as sent and
// MaxComponents components.
func fits(card map[string]any) bool {
	return SentSize(card) <= MaxBytes && Components(card) <= MaxComponents
}

// formPage is the part of a form too large for one card that a card shows:
// inputs [from, to) of total, the page specs (bot.ArgPage) of its previous
// and next pages ("" for none), and the values of every other input.
type formPage struct {
	from, to, total int
	prev, next      string
	carry           map[string]string
}

// Page specs: "from:K" is the page starting at input K, as many inputs as
// fit; "to:K" the page ending before input K. A page turn never skips an
// input: "next" starts where the page ends and "previous" ends where it
// starts, whatever the values entered since made the pages.
const (
	specFrom = "from:"
	specTo   = "to:"
)

// paginate names every form input and takes bot.ArgPage out of each form's
// action. A form for which a card holding it, the title and the buttons
// is too large is split: the card shows the page its ArgPage asks for (the
// first without one), the largest run of inputs that fits, with previous
// and next buttons carrying every value entered on the other pages.
func paginate(m bot.Message, o Options) (bot.Message, Options) {
	if !o.Interactive {
		return m, o
	}
	blocks := append([]bot.Block(nil), m.Blocks...)
	n := 0
	for i, b := range blocks {
		f, ok := b.(bot.Form)
		if !ok {
			continue
		}
		n++
		spec := f.Action.Args[bot.ArgPage]
		f = named(f, n)
		blocks[i] = f
		probe := func(f bot.Form, pg *formPage) bool {
			pm := bot.Message{Title: m.Title, Color: m.Color, Blocks: []bot.Block{f}}
			for _, b := range m.Blocks {
				if bs, ok := b.(bot.Buttons); ok {
					pm.Blocks = append(pm.Blocks, bs)
				}
			}
			po := o
			po.pages = map[int]formPage{}
			if pg != nil {
				po.pages[1] = *pg
			}
			card := build(pm, po)
			return SentSize(card) <= MaxBytes-pageSlackBytes && Components(card) <= MaxComponents-pageSlackComponents
		}
		if probe(f, nil) {
			continue
		}
		pg := pageOf(f, spec, probe)
		if o.pages == nil {
			o.pages = map[int]formPage{}
		} else {
			o.pages = maps.Clone(o.pages)
		}
		o.pages[n] = pg
	}
	m.Blocks = blocks
	return m, o
}

// named is f with every input named (field_N, as form names them) and
// without bot.ArgPage in its action.
func named(f bot.Form, n int) bot.Form {
	suffix := ""
	if n > 1 {
		suffix = "_" + strconv.Itoa(n)
	}
	f.Inputs = append([]bot.Input(nil), f.Inputs...)
	for i := range f.Inputs {
		if f.Inputs[i].Name == "" {
			f.Inputs[i].Name = "field_" + strconv.Itoa(i+1) + suffix
		}
	}
	if _, ok := f.Action.Args[bot.ArgPage]; ok {
		f.Action.Args = maps.Clone(f.Action.Args)
		delete(f.Action.Args, bot.ArgPage)
	}
	return f
}

// pageOf is the page spec asks for: the most inputs from (or up to) its
// input that probe finds fit, at least one.
func pageOf(f bot.Form, spec string, probe func(bot.Form, *formPage) bool) formPage {
	total := len(f.Inputs)
	at := func(prefix string) (int, bool) {
		k, err := strconv.Atoi(strings.TrimPrefix(spec, prefix))
		return min(max(k, 0), total), strings.HasPrefix(spec, prefix) && err == nil
	}
	page := func(from, to int) formPage {
		pg := formPage{from: from, to: to, total: total, carry: map[string]string{}}
		if from > 0 {
			pg.prev = specTo + strconv.Itoa(from)
		}
		if to < total {
			pg.next = specFrom + strconv.Itoa(to)
		}
		for i, in := range f.Inputs {
			if i < from || i >= to {
				pg.carry[in.Name] = in.Value
			}
		}
		return pg
	}
	ok := func(from, to int) bool {
		pg := page(from, to)
		return probe(f, &pg)
	}
	if end, isTo := at(specTo); isTo && end > 0 {
		// The smallest start whose page ending at end fits.
		from := sort.Search(end, func(a int) bool { return ok(a, end) })
		return page(min(from, end-1), end)
	}
	start, _ := at(specFrom)
	start = min(start, total-1)
	// The largest end whose page from start fits: Search finds the first
	// that does not.
	n := sort.Search(total-start, func(i int) bool { return !ok(start, start+i+1) })
	return page(start, start+max(n, 1))
}
