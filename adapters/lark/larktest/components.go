package larktest

// MaxComponents is the most components a card may hold. Past it Feishu
// refuses the card: the card API answers 300305 "element exceeds the
// limit", and a message carrying the card 230099 "Failed to create card
// content" with that code inside, as it reports every card build error
// (for the five-table limit: "ext=ErrCode: 11310; ErrMsg: card table
// number over limit").
const MaxComponents = 200

// Components counts a card's components the strict way: every object with
// a "tag" in its header and body, at any depth, the text objects
// (plain_text) of labels, placeholders and options included. Feishu does
// not publish how it counts; counted so, a form of 65 one-line inputs
// passes 200, as it does on Feishu, and a card that passes here passes
// there.
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
