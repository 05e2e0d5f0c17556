package bot

import (
	"strconv"
	"strings"
	"unicode"
)

// fields splits a chat message into words, treating full-width spaces and
// punctuation as ASCII.
func fields(s string) []string { return strings.Fields(toHalfWidth(s)) }

// mentionID returns the user ID of a canonical mention "<@U123>" (Slack also
// sends "<@U123|name>"), or "".
func mentionID(word string) string {
	if strings.HasPrefix(word, "<@") && strings.HasSuffix(word, ">") {
		id := strings.TrimSuffix(strings.TrimPrefix(word, "<@"), ">")
		id, _, _ = strings.Cut(id, "|")
		return id
	}
	return ""
}

// parsePlanRef reads a plan's short id: "12", "#12", "P12", "p12", "计划12", "#12号".
func parsePlanRef(s string) (int, bool) {
	s = strings.TrimSpace(toHalfWidth(s))
	s = strings.TrimPrefix(s, "计划")
	s = strings.TrimLeft(s, "#pP")
	s = strings.TrimSuffix(s, "号")
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// splitPipes splits "a | b | c" into trimmed parts; used by action items.
func splitPipes(s string) []string {
	parts := strings.Split(toHalfWidth(s), "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// isCJK reports whether r is a Chinese character.
func isCJK(r rune) bool { return unicode.Is(unicode.Han, r) }

// matchesMetric reports whether word names metric: equal ignoring case, or a
// prefix of at least two characters ("sales" for "Sales amount", "销售" for "销售额").
func matchesMetric(word, metric string) bool {
	w, m := strings.ToLower(strings.TrimSpace(word)), strings.ToLower(strings.TrimSpace(metric))
	if w == "" || m == "" {
		return false
	}
	if w == m {
		return true
	}
	if len([]rune(w)) < 2 {
		return false
	}
	if strings.HasPrefix(m, w) || strings.HasPrefix(w, m) {
		return true
	}
	// Chinese metrics are matched inside: "销售额" names "季度销售额".
	if isCJK([]rune(w)[0]) && strings.Contains(m, w) {
		return true
	}
	for _, part := range strings.Fields(m) {
		if part == w {
			return true
		}
	}
	return false
}

// splitGluedNumber separates a Chinese word glued to a number, as people type
// "销售额42万" for "销售额 42万". It returns word, number text, ok.
func splitGluedNumber(tok string) (string, string, bool) {
	rs := []rune(tok)
	for i, r := range rs {
		if unicode.IsDigit(r) || r == '-' && i+1 < len(rs) && unicode.IsDigit(rs[i+1]) {
			if i == 0 {
				return "", "", false
			}
			if !isCJK(rs[i-1]) {
				return "", "", false
			}
			return string(rs[:i]), string(rs[i:]), true
		}
	}
	return "", "", false
}
