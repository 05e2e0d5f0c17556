package bot

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var verbRE = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?([a-zA-Z%])`)

// argKinds lists the verb of each argument position a template uses.
func argKinds(f string) map[int]byte {
	kinds := map[int]byte{}
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(f, -1) {
		if m[4] == "%" {
			continue
		}
		pos := next
		if m[2] != "" {
			fmt.Sscan(m[2], &pos)
		}
		kinds[pos] = m[4][0]
		next = pos + 1
	}
	return kinds
}

// TestCatalogComplete: every text exists in both languages, the two take the
// same arguments, and no key is defined twice.
func TestCatalogComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range catalogs {
		for k, m := range c {
			if seen[k] {
				t.Errorf("%s defined twice", k)
			}
			seen[k] = true
			if strings.TrimSpace(m.zh) == "" || strings.TrimSpace(m.en) == "" {
				t.Errorf("%s: missing a language", k)
			}
			zh, en := argKinds(m.zh), argKinds(m.en)
			if fmt.Sprint(zh) != fmt.Sprint(en) {
				t.Errorf("%s: zh args %v, en args %v", k, zh, en)
			}
		}
	}
}

// TestEveryKeyInSourceExists: each literal key the engine uses has a text.
func TestEveryKeyInSourceExists(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	keyRE := regexp.MustCompile(`"((?:err|btn|field|guide|new|done|notify|list|show|promo|audit|lang|update|iv|team|review|close|adj|adjust|help|form|plan|op|word|action|tone|remind|interview|outcome|org|who|privacy|hr|confirm)\.[a-z_.]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasPrefix(f, "i18n") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range keyRE.FindAllStringSubmatch(string(src), -1) {
			if k := m[1]; T(LocaleEN, k) == k && !strings.HasSuffix(k, ".") && !actionIDs[k] && T(LocaleEN, "act."+k) == "act."+k {
				t.Errorf("%s uses %q, which has no text", f, k)
			}
		}
	}
}

// actionIDs are button ids, not texts. Audit actions ("plan.close") are
// accepted above by their "act." name, which the audit view shows.
var actionIDs = func() map[string]bool {
	m := map[string]bool{}
	for id := range actionCommands {
		m[id] = true
	}
	return m
}()
