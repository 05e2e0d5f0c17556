package console

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pipbot/pipbot/bot"
)

// rewriteMentions turns "@Name" and "@id" into "<@ID>", the mention syntax
// of bot.Command.Text. Names match case-insensitively and the longest one
// wins; a Chinese name may run straight into the next word ("@王经理请看"),
// a Latin one must end at a word boundary. Unknown @words stay as typed, and
// so do e-mail addresses and existing "<@ID>" mentions.
func rewriteMentions(text string, people []bot.Person) string {
	type alias struct{ word, id string }
	var aliases []alias
	for _, p := range people {
		for _, w := range []string{p.Name, p.ID} {
			if w != "" {
				aliases = append(aliases, alias{w, p.ID})
			}
		}
	}
	slices.SortStableFunc(aliases, func(x, y alias) int {
		return cmp.Compare(utf8.RuneCountInString(y.word), utf8.RuneCountInString(x.word))
	})
	var b strings.Builder
	for i := 0; i < len(text); {
		if text[i] != '@' || (i > 0 && (text[i-1] == '<' || isLatinWord(rune(text[i-1])))) {
			b.WriteByte(text[i])
			i++
			continue
		}
		rest := text[i+1:]
		matched := false
		for _, al := range aliases {
			if n, ok := prefixFold(rest, al.word); ok {
				b.WriteString("<@" + al.id + ">")
				i += 1 + n
				matched = true
				break
			}
		}
		if !matched {
			b.WriteByte('@')
			i++
		}
	}
	return b.String()
}

// prefixFold reports whether s starts with word, ignoring case, and how many
// bytes of s that is. A word ending in a Latin letter or digit must not run
// into another one ("@bob" does not match "@bobby").
func prefixFold(s, word string) (int, bool) {
	n := 0
	for range utf8.RuneCountInString(word) {
		if n >= len(s) {
			return 0, false
		}
		_, size := utf8.DecodeRuneInString(s[n:])
		n += size
	}
	if !strings.EqualFold(s[:n], word) {
		return 0, false
	}
	last, _ := utf8.DecodeLastRuneInString(word)
	next, _ := utf8.DecodeRuneInString(s[n:])
	if n < len(s) && isLatinWord(last) && isLatinWord(next) {
		return 0, false
	}
	return n, true
}

// isLatinWord is true for ASCII letters, digits and '_' (not for Chinese).
func isLatinWord(r rune) bool {
	return r < utf8.RuneSelf && (r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
}

// findPerson resolves "2" (the /who number), a name or an ID, case-insensitively,
// with or without a leading @, to an index into people.
func findPerson(people []bot.Person, s string) (int, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(people) {
		return n - 1, true
	}
	if s == "" {
		return 0, false
	}
	for i, p := range people {
		if strings.EqualFold(p.Name, s) || strings.EqualFold(p.ID, s) {
			return i, true
		}
	}
	return 0, false
}

// nameOf is the display name of a user ID, or the ID itself if unknown.
func (a *Adapter) nameOf(id string) string {
	for _, p := range a.opts.People {
		if p.ID == id && p.Name != "" {
			return p.Name
		}
	}
	return id
}

// roleHint names what p is in the org chart ("manager", "hr", "employee"),
// for the prompt. The engine decides roles per plan; this is only a hint.
func (a *Adapter) roleHint(p bot.Person) string {
	var roles []string
	if slices.ContainsFunc(a.opts.People, func(q bot.Person) bool { return q.ManagerID == p.ID }) {
		roles = append(roles, a.ui.roleManager)
	}
	if p.HR {
		roles = append(roles, a.ui.roleHR)
	}
	if len(roles) == 0 && p.ManagerID != "" {
		roles = append(roles, a.ui.roleEmployee)
	}
	return strings.Join(roles, "/")
}
