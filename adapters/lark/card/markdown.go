package card

import (
	"strings"
	"unicode/utf8"
)

// Feishu's markdown component reads CommonMark plus a few HTML-like tags
// (<at>, <a>, <font>, <person>, …). Engine text is literal apart from its
// **bold** markers, so everything else that could be read as syntax is
// written as a numeric character reference, the escape the rich-text page
// documents ("特殊字符转义"). This also keeps plan text from pinging
// people (<at id=all>) or smuggling links into a card.

// escapeAnywhere are characters that are syntax wherever they appear.
var escapeAnywhere = map[rune]string{
	'&':  "&#38;", // so a user's "&lt;" stays literal
	'\\': "&#92;",
	'*':  "&#42;",
	'_':  "&#95;",
	'~':  "&#126;",
	'`':  "&#96;",
	'[':  "&#91;",
	']':  "&#93;",
	'<':  "&#60;",
	'>':  "&#62;",
	'|':  "&#124;",
	'$':  "&#36;",
}

// escapeAtLineStart are characters that are syntax only when they begin a
// line: headings, lists, quotes, setext underlines.
var escapeAtLineStart = map[rune]string{
	'#': "&#35;",
	'-': "&#45;",
	'+': "&#43;",
	'=': "&#61;",
}

// markdown turns engine text into Feishu markdown: **bold** pairs stay bold,
// everything else is shown literally. An unmatched ** is literal too.
func markdown(s string) string {
	parts := strings.Split(s, "**")
	var b strings.Builder
	lineStart := true
	for i, p := range parts {
		bold := i%2 == 1 && i < len(parts)-1
		if i%2 == 1 && !bold {
			b.WriteString("&#42;&#42;") // the last marker, never closed
			lineStart = false
		}
		if t := strings.TrimSpace(p); bold && t != "" {
			// Bold only renders when the markers touch the text.
			at := strings.Index(p, t)
			b.WriteString(escapeLines(p[:at], lineStart))
			b.WriteString("**" + escapeLines(t, false) + "**")
			b.WriteString(escapeLines(p[at+len(t):], false))
		} else {
			b.WriteString(escapeLines(p, lineStart))
		}
		if p != "" {
			lineStart = strings.HasSuffix(p, "\n")
		}
	}
	return b.String()
}

// literal is text shown as is, with no bold.
func literal(s string) string { return escapeLines(s, true) }

// escapeLines escapes s; lineStart says whether s begins a line.
func escapeLines(s string, lineStart bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		escapeLine(&b, line, lineStart || i > 0)
	}
	return b.String()
}

func escapeLine(b *strings.Builder, line string, start bool) {
	if start {
		// Leading spaces would make an indented code block.
		for strings.HasPrefix(line, " ") {
			b.WriteString("&nbsp;")
			line = line[1:]
		}
		if r, size := utf8.DecodeRuneInString(line); escapeAtLineStart[r] != "" {
			b.WriteString(escapeAtLineStart[r])
			line = line[size:]
		} else if n := leadingDigits(line); n > 0 && listMarker(line[n:]) {
			// "2. item" would become a renumbered ordered list.
			b.WriteString(line[:n])
			b.WriteString(map[byte]string{'.': "&#46;", ')': "&#41;"}[line[n]])
			line = line[n+1:]
		}
	}
	for _, r := range line {
		if e, ok := escapeAnywhere[r]; ok {
			b.WriteString(e)
		} else {
			b.WriteRune(r)
		}
	}
}

// listMarker says whether s, after a line's leading digits, makes it an
// ordered list item: "." or ")" then a space or the end of the line.
func listMarker(s string) bool {
	if s == "" || (s[0] != '.' && s[0] != ')') {
		return false
	}
	return len(s) == 1 || s[1] == ' ' || s[1] == '\t'
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// grey is small secondary text, each line wrapped on its own so no tag
// spans a line break.
func grey(s string) string {
	lines := strings.Split(literal(s), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "<font color='grey'>" + l + "</font>"
		}
	}
	return strings.Join(lines, "\n")
}

// clip shortens s to at most n runes, ending with an ellipsis when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:max(n-1, 0)]), " \n") + "…"
}
