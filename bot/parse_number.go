package bot

import (
	"strconv"
	"strings"
	"unicode"
)

// ParseNumber reads a number the way people type it in chat: "420000",
// "420,000", "42万", "4.2w", "42k", "1.5m", "8%", "3亿", "１２" (full width),
// "￥350000", "350000元". It returns the value and a unit it recognised
// ("%" or a currency/thing suffix such as "元", "家"), or ok=false.
func ParseNumber(s string) (v float64, unit string, ok bool) {
	s = strings.TrimSpace(toHalfWidth(s))
	s = strings.TrimLeft(s, "¥￥$")
	if s == "" {
		return 0, "", false
	}
	// Split the numeric head from the suffix.
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	digits := false
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
		if s[i] >= '0' && s[i] <= '9' {
			digits = true
		}
		i++
	}
	if !digits {
		return 0, "", false
	}
	head := strings.ReplaceAll(s[:i], ",", "")
	v, err := strconv.ParseFloat(head, 64)
	if err != nil {
		return 0, "", false
	}
	rest := strings.TrimSpace(s[i:])
	mult := 1.0
	switch {
	case strings.HasPrefix(rest, "万"):
		mult, rest = 1e4, strings.TrimPrefix(rest, "万")
	case strings.HasPrefix(rest, "亿"):
		mult, rest = 1e8, strings.TrimPrefix(rest, "亿")
	case strings.HasPrefix(rest, "千"):
		mult, rest = 1e3, strings.TrimPrefix(rest, "千")
	case rest == "w" || rest == "W":
		mult, rest = 1e4, ""
	case rest == "k" || rest == "K":
		mult, rest = 1e3, ""
	case rest == "m" || rest == "M":
		mult, rest = 1e6, ""
	}
	rest = strings.TrimSpace(rest)
	// A suffix must not contain digits ("8家3" is not a number).
	for _, r := range rest {
		if unicode.IsDigit(r) || unicode.IsSpace(r) {
			return 0, "", false
		}
	}
	if len([]rune(rest)) > 4 {
		return 0, "", false
	}
	return v * mult, rest, true
}

// toHalfWidth maps full-width digits and punctuation typed by Chinese input
// methods to their ASCII forms.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．' || r == '。':
			return '.'
		case r == '，':
			return ','
		case r == '％':
			return '%'
		case r == '－':
			return '-'
		case r == '：':
			return ':'
		case r == '　':
			return ' '
		case r == '＃':
			return '#'
		case r == '｜':
			return '|'
		}
		return r
	}, s)
}
