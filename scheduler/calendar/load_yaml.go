package calendar

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// parseYAML walks the YAML node tree rather than decoding into structs, so
// each entry and field keeps its line, an unquoted 2026-10-09 is read as
// written (not as a timestamp), and unknown or missing fields are caught.
func parseYAML(file string, data []byte, sh shape) ([]fileEntry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file: no overrides
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a map of %s → list of %s", file, root.Line, sh.key, sh.list)
	}
	var entries []fileEntry
	tenants := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, list := root.Content[i], deref(root.Content[i+1])
		tenant := key.Value
		if line, dup := tenants[tenant]; dup {
			return nil, fmt.Errorf("%s:%d: %s %q is already listed on line %d", file, key.Line, sh.key, tenant, line)
		}
		tenants[tenant] = key.Line
		entries = append(entries, fileEntry{key: sh.key, tenant: tenant, line: key.Line})
		if list.Tag == "!!null" {
			continue // "acme:" with nothing under it
		}
		if list.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("%s:%d: %s %q: want a list of %s", file, list.Line, sh.key, tenant, sh.list)
		}
		for j, item := range list.Content {
			item = deref(item)
			e := fileEntry{key: sh.key, tenant: tenant, index: j + 1, line: item.Line}
			if item.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("%s: want a map with date, workday and note", e.where(file))
			}
			e.fillYAML(item)
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// fillYAML sets e's fields from one mapping node, noting bad types and
// unknown fields with their own lines.
func (e *fileEntry) fillYAML(item *yaml.Node) {
	bad := func(n *yaml.Node, format string, args ...any) {
		e.errs = append(e.errs, fieldErr{n.Line, fmt.Sprintf(format, args...)})
	}
	for i := 0; i+1 < len(item.Content); i += 2 {
		key, val := item.Content[i], deref(item.Content[i+1])
		if val.Tag == "!!null" {
			continue
		}
		switch key.Value {
		case "date":
			if val.Kind != yaml.ScalarNode {
				bad(val, "field date: want YYYY-MM-DD")
				continue
			}
			s := val.Value
			e.date = &s
		case "workday":
			var b bool
			if val.Kind != yaml.ScalarNode || val.Decode(&b) != nil {
				bad(val, "field workday: want true or false, found %q", val.Value)
				continue
			}
			e.workday = &b
		case "note":
			if val.Kind != yaml.ScalarNode {
				bad(val, "field note: want text")
				continue
			}
			e.note = val.Value
		default:
			bad(key, "unknown field %q (want date, workday, note)", key.Value)
		}
	}
}

// deref follows a YAML alias (*name) to the node it stands for.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}
