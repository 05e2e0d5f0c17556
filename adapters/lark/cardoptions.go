package lark

import (
	"github.com/pipbot/pipbot/adapters/lark/card"
	"github.com/pipbot/pipbot/bot"
)

// cardOptions is how the card for reply r to the event o is rendered for a
// reader in locale l, on every path that shows one: a new message, a patch
// or a delayed update of a clicked card, and the card a click's answer
// carries inline. Rendering it anywhere else would let one path forget
// what another keeps.
//
// Private cards cannot be forwarded (card.Options.Private: config
// "enable_forward": false). Private plan content is private, and so is a
// replacement outside a group: it takes the place of a card the clicker
// was shown one-to-one, which may have carried plan content, so the card
// stays unforwardable whatever the replacing reply says (the engine's
// short confirmations, e.g. "adjustment #3 confirmed", are not marked
// Private). Anything else, a help card or a team summary posted to a
// group, keeps Feishu's default and can be forwarded.
func cardOptions(o Origin, r bot.Reply, l bot.Locale) card.Options {
	return card.Options{Locale: l, Private: r.Private || (r.Replace && !o.Group()), Interactive: true, Errors: r.Errors}
}
