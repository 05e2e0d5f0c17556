package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// orgShape says what a YAML org file must look like.
const orgShape = "want a list of people, or people: followed by one"

// parseOrgYAML walks the node tree rather than decoding into structs, so
// every row and value keeps its line and unknown keys are caught. Only a
// file that is not YAML at all is an error; problems of shape go to p.
func parseOrgYAML(data []byte, p *orgProblems) ([]orgRow, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file or only comments: nobody
	}
	list := unalias(doc.Content[0])
	if list.Kind == yaml.MappingNode {
		if list = orgPeople(list, p); list == nil {
			return nil, nil
		}
	}
	if list.Tag == "!!null" {
		return nil, nil // "people:" with nothing under it
	}
	if list.Kind != yaml.SequenceNode {
		p.add(list.Line, orgShape)
		return nil, nil
	}
	var rows []orgRow
	for _, item := range list.Content {
		item = unalias(item)
		if item.Kind != yaml.MappingNode {
			p.add(item.Line, "want a map of employee, manager, department, hr")
			continue
		}
		rows = append(rows, orgYAMLRow(item, p))
	}
	return rows, nil
}

// orgPeople returns the list under the people key of a top-level map,
// reporting any other key; nil, after reporting it, when there is none.
func orgPeople(m *yaml.Node, p *orgProblems) *yaml.Node {
	var people *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		key := m.Content[i]
		if strings.ToLower(key.Value) != "people" {
			p.add(key.Line, "unknown key %q (want people)", key.Value)
			continue
		}
		people = unalias(m.Content[i+1])
	}
	if people == nil {
		p.add(m.Line, orgShape)
	}
	return people
}

// orgYAMLRow reads one person's map, with the keys the CSV header accepts.
func orgYAMLRow(item *yaml.Node, p *orgProblems) orgRow {
	row := orgRow{line: item.Line}
	seen := map[string]string{} // canonical → as written
	for i := 0; i+1 < len(item.Content); i += 2 {
		key, val := item.Content[i], unalias(item.Content[i+1])
		col := orgColumn(key.Value)
		if col == "" {
			p.add(key.Line, "unknown key %q (%s)", key.Value, orgWant)
			continue
		}
		if first, dup := seen[col]; dup {
			p.add(key.Line, "key %q repeats key %q", key.Value, first)
			continue
		}
		seen[col] = key.Value
		if val.Kind != yaml.ScalarNode {
			p.add(val.Line, "%s: want a single value, not a list or map", key.Value)
			*row.field(col) = orgField{line: val.Line, bad: true}
			continue
		}
		text := val.Value
		if val.Tag == "!!null" {
			text = "" // "manager:" or "manager: ~"
		}
		*row.field(col) = orgField{text: strings.TrimSpace(text), line: val.Line}
	}
	return row
}

// unalias follows a YAML alias (*name) to the node it stands for.
func unalias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}
