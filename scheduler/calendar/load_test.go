package calendar

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadOverrides(t *testing.T) {
	want := map[string][]Override{
		"acme": {
			{Date: Date{2026, time.October, 9}, Workday: false, Note: "company retreat"},
			{Date: Date{2026, time.October, 11}, Workday: true},
		},
		"beta":  {},
		"gamma": {},
	}
	files := map[string]string{
		"overrides.yaml": `# company days
acme:
  - date: 2026-10-09
    workday: false
    note: company retreat
  - {date: "2026-10-11", workday: true}
beta: []
gamma:
`,
		"overrides.json": "{\n\t\"acme\": [\n\t\t{\"date\": \"2026-10-09\", \"workday\": false, \"note\": \"company\\u0020retreat\"},\n" +
			"\t\t{\"date\": \"2026-10-11\", \"workday\": true, \"note\": null}\n\t],\n\t\"beta\": [],\n\t\"gamma\": []\n}\n",
	}
	for name, content := range files {
		got, err := LoadOverrides(writeFile(t, name, content))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
		if _, err := New(Options{Overrides: got}); err != nil {
			t.Errorf("%s: New: %v", name, err)
		}
	}
	if got, err := LoadOverrides(writeFile(t, "empty.yml", "")); err != nil || len(got) != 0 {
		t.Errorf("empty file = %v, %v; want no overrides", got, err)
	}
}

func TestLoadOverridesErrors(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string // every one must appear in the error
	}{
		{"ov.yaml", "acme:\n  - date: 2026-10-09\n    note: retreat\n",
			[]string{`ov.yaml:2: tenant "acme", entry 1: field workday is required`}},
		{"ov.yaml", "acme:\n  - date: 2026-02-30\n    workday: false\n",
			[]string{`ov.yaml:2: tenant "acme", entry 1: field date: date "2026-02-30"`}},
		{"ov.yaml", "acme:\n  - date: 2026-10-09\n    workday: maybe\n",
			[]string{`ov.yaml:3: tenant "acme", entry 1: field workday: want true or false, found "maybe"`}},
		{"ov.yaml", "acme:\n  - date: 2026-10-09\n    workdy: false\n",
			[]string{`ov.yaml:3: tenant "acme", entry 1: unknown field "workdy"`}},
		{"ov.yaml", "acme:\n  - {date: 2026-10-09, workday: false}\n  - {date: 2026-10-09, workday: true}\n",
			[]string{`ov.yaml:3: tenant "acme", entry 2: date 2026-10-09 is already set on line 2`}},
		{"ov.yaml", "acme:\n  - {date: 2026-13-01, workday: false}\nbeta:\n  - {workday: true}\n", // every problem at once
			[]string{`ov.yaml:2: tenant "acme", entry 1: field date`, `ov.yaml:4: tenant "beta", entry 1: field date is required`}},
		{"ov.yaml", "- date: 2026-10-09\n", []string{"ov.yaml:1: want a map of tenant"}},
		{"ov.yaml", "acme: 2026-10-09\n", []string{`ov.yaml:1: tenant "acme": want a list of overrides`}},
		{"ov.yaml", "acme: [\n", []string{"ov.yaml: yaml: line"}},
		{"ov.yaml", "acme: []\nacme: []\n", []string{`ov.yaml:2: tenant "acme" is already listed on line 1`}},
		{"ov.json", "{\"acme\": [\n  {\"date\": \"2026-10-09\", \"note\": \"x\"}\n]}",
			[]string{`ov.json:2: tenant "acme", entry 1: field workday is required`}},
		{"ov.json", "{\"acme\": [\n  {\"date\": \"2026-10-09\", \"workday\": \"yes\"}\n]}",
			[]string{`ov.json:2: tenant "acme", entry 1: field workday: want true or false, found "yes"`}},
		{"ov.json", "{\"acme\": [\n  {\"date\": 20261009, \"workday\": true, \"extra\": 1}\n]}",
			[]string{`field date: want a string`, `unknown field "extra"`}},
		{"ov.json", "{\"acme\": [\n  {\"date\": \"2026-10-09\", \"workday\": true}\n  {\"date\": \"2026-10-10\", \"workday\": true}\n]}",
			[]string{"ov.json:3: expected comma"}},
		{"ov.json", "{\"acme\": [\n  \"2026-10-09\"\n]}", []string{`ov.json:2: tenant "acme", entry 1: want an object`}},
		{"ov.json", "[]", []string{"ov.json:1: want an object of tenant"}},
		{"ov.json", "{\"acme\": {}}", []string{`want a list of overrides for tenant "acme"`}},
		{"ov.json", "{\"acme\": [], \"acme\": []}", []string{`tenant "acme" is listed twice`}},
		{"ov.toml", "", []string{`unknown format ".toml"`}},
	}
	for _, tt := range tests {
		_, err := LoadOverrides(writeFile(t, tt.name, tt.content))
		if err == nil {
			t.Errorf("%s %q: no error", tt.name, tt.content)
			continue
		}
		for _, want := range tt.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s %q:\n error %q\n lacks %q", tt.name, tt.content, err, want)
			}
		}
	}
	if _, err := LoadOverrides(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
}
