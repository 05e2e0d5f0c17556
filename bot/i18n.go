package bot

import (
	"fmt"
	"strings"
)

// msg is one user-facing text in both languages.
type msg struct{ zh, en string }

// catalogs holds every user-facing text, split by area (i18n_*.go).
// Read-only after start; a test checks both languages are present and
// take the same arguments.
var catalogs = []map[string]msg{msgCommon, msgErrors, msgPlan, msgTrack, msgHelp, msgRemind, msgAuthority, msgActions, msgTables, msgExport, msgTrend, msgLimits, msgCalendar, msgRisk}

// T returns the text for key in locale l, formatted with args. An unknown key
// is returned as is, so a missing text is visible but never fatal.
func T(l Locale, key string, args ...any) string {
	for _, c := range catalogs {
		if m, ok := c[key]; ok {
			f := m.zh
			if l == LocaleEN {
				f = m.en
			}
			if len(args) == 0 {
				return f
			}
			return fmt.Sprintf(f, localArgs(l, args)...)
		}
	}
	return key
}

// localArgs is args with every field label in language l.
func localArgs(l Locale, args []any) []any {
	var out []any
	for i, a := range args {
		k, ok := a.(label)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = string(k)
		// "gap_metric2" is the second problem's "gap_metric".
		for _, key := range []string{string(k), strings.TrimRight(string(k), "0123456789")} {
			if name := T(l, "field_label."+key); name != "field_label."+key {
				out[i] = name
				break
			}
		}
	}
	if out == nil {
		return args
	}
	return out
}

// tr is T for the locale of the request's actor.
func (r *request) tr(key string, args ...any) string { return T(r.loc, key, args...) }

// enumText localises an enum value (status, outcome, type, dimension, role).
func enumText(l Locale, kind string, v string) string {
	k := kind + "." + v
	if s := T(l, k); s != k {
		return s
	}
	return v
}

// joinLines joins non-empty lines.
func joinLines(lines ...string) string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
