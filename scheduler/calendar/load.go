package calendar

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LoadOverrides reads per-tenant overrides from a JSON (.json) or YAML
// (.yaml, .yml) file, shaped as a map of tenant to list:
//
//	acme:
//	  - date: 2026-10-09
//	    workday: false
//	    note: company retreat
//	  - {date: 2026-10-11, workday: true, note: release weekend}
//
// workday is required: a typo must not silently turn a day into a day off.
// Every problem is reported, each with the file, line, tenant, entry and
// field, so an admin can fix the file in one pass.
func LoadOverrides(path string) (map[string][]Override, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load calendar overrides: %w", err)
	}
	name := filepath.Base(path)
	entries, err := parseFile(name, data, overrideShape)
	if err == nil {
		var out map[string][]Override
		out, err = collect(name, entries)
		if err == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("load calendar overrides: %w", err)
}

// parseFile parses data as JSON or YAML by name's extension.
func parseFile(name string, data []byte, sh shape) ([]fileEntry, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".json":
		return parseJSON(name, data, sh)
	case ".yaml", ".yml":
		return parseYAML(name, data, sh)
	default:
		return nil, fmt.Errorf("%s: unknown format %q (want .json, .yaml or .yml)", name, ext)
	}
}

// shape names the two levels of a file in error messages: an override
// file maps tenants to lists of overrides, a holiday file years to lists of
// days. Both share one syntax and one parser, so one set of checks.
type shape struct{ key, list string }

var overrideShape = shape{key: "tenant", list: "overrides"}

// fileEntry is one override as written in a file, before validation, with
// where it was found. Fields the file left out stay nil. Index 0 stands for
// the group itself (a tenant or year, on the line of its key).
type fileEntry struct {
	key     string // what the group is: "tenant" or "year"
	tenant  string // the group's key as written
	index   int    // 1-based within the tenant's list
	line    int
	date    *string
	workday *bool
	note    string
	errs    []fieldErr // shape problems found while parsing: bad types, unknown fields
}

// fieldErr is a problem with one field, on its own line.
type fieldErr struct {
	line int
	msg  string
}

// where names an entry in error messages: "overrides.yaml:7: tenant "acme", entry 2".
func (e fileEntry) where(file string) string {
	return e.whereLine(file, e.line)
}

// whereLine is where, pointing at one of the entry's lines.
func (e fileEntry) whereLine(file string, line int) string {
	return fmt.Sprintf("%s:%d: %s %q, entry %d", file, line, e.key, e.tenant, e.index)
}

// collect validates the parsed entries and groups them by tenant.
func collect(file string, entries []fileEntry) (map[string][]Override, error) {
	out := map[string][]Override{}
	seen := map[string]map[Date]int{} // tenant → date → line
	var errs []error
	bad := func(e fileEntry, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", e.where(file), fmt.Sprintf(format, args...)))
	}
	for _, e := range entries {
		if _, ok := out[e.tenant]; !ok {
			out[e.tenant] = []Override{}
			seen[e.tenant] = map[Date]int{}
		}
		if e.index == 0 {
			continue // a tenant with an empty list
		}
		for _, fe := range e.errs {
			errs = append(errs, fmt.Errorf("%s: %s", e.whereLine(file, fe.line), fe.msg))
		}
		if len(e.errs) > 0 {
			continue
		}
		if e.date == nil {
			bad(e, "field date is required (YYYY-MM-DD)")
			continue
		}
		d, err := ParseDate(*e.date)
		if err != nil {
			bad(e, "field date: %v", err)
			continue
		}
		if e.workday == nil {
			bad(e, "field workday is required (true or false)")
			continue
		}
		if line, dup := seen[e.tenant][d]; dup {
			bad(e, "date %s is already set on line %d", d, line)
			continue
		}
		seen[e.tenant][d] = e.line
		out[e.tenant] = append(out[e.tenant], Override{Date: d, Workday: *e.workday, Note: e.note})
	}
	return out, errors.Join(errs...)
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	return strings.Count(string(data[:min(off, int64(len(data)))]), "\n") + 1
}
