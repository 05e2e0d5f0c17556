package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pipbot/pipbot/bot"
)

// sampleOrg is who testdata/org.csv and org.yaml both list, without lines.
var sampleOrg = []bot.OrgEntry{
	{Employee: "slack:U01CEO", Department: "Management"},
	{Employee: "slack:U02LEAD", Manager: "slack:U01CEO", Department: "Engineering"},
	{Employee: "slack:U03DEV", Manager: "slack:U02LEAD", Department: "Engineering"},
	{Employee: "slack:U04DEV", Manager: "slack:U02LEAD", Department: "Engineering, Platform"},
	{Employee: "slack:U05HR", Manager: "slack:U01CEO", Department: "People", HR: true},
	{Employee: "lark:ou_ceo", Department: "管理层"},
	{Employee: "lark:ou_dev", Manager: "lark:ou_ceo", Department: "研发部"},
	{Employee: "lark:ou_hr", Manager: "lark:ou_ceo", Department: "人力资源部", HR: true},
}

func TestLoadOrgSamples(t *testing.T) {
	tests := []struct {
		file  string
		lines []int
	}{
		{"org.csv", []int{4, 5, 6, 7, 8, 9, 10, 11}},
		{"org.yaml", []int{5, 8, 12, 13, 14, 15, 18, 21}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := LoadOrg(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			want := make([]bot.OrgEntry, len(sampleOrg))
			for i, e := range sampleOrg {
				e.Line = tt.lines[i]
				want[i] = e
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("LoadOrg (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadOrgMissing(t *testing.T) {
	_, err := LoadOrg(filepath.Join("testdata", "no-such-org.csv"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "read org file: ") {
		t.Errorf("LoadOrg error = %v, want a wrapped fs.ErrNotExist", err)
	}
}

// e is an entry for the table below: employee, manager, line.
func e(employee, manager string, line int) bot.OrgEntry {
	return bot.OrgEntry{Employee: employee, Manager: manager, Line: line}
}

func TestParseOrg(t *testing.T) {
	tests := []struct {
		name string // test name
		file string // what ParseOrg is told the file is called
		data string
		want []bot.OrgEntry
	}{
		{name: "empty csv", file: "org.csv", data: ""},
		{name: "empty yaml", file: "org.yaml", data: "# nobody yet\n"},
		{name: "header only", file: "org.csv", data: "employee,manager\n"},
		{name: "yaml people empty", file: "org.yaml", data: "people:\n"},
		{
			name: "employee column only",
			file: "org.csv",
			data: "employee\nslack:U1\n",
			want: []bot.OrgEntry{e("slack:U1", "", 2)},
		},
		{
			name: "english header",
			file: "org.csv",
			data: "employee,manager,department,hr\nslack:U1,,Eng,yes\nslack:U2,slack:U1,Eng,no\n",
			want: []bot.OrgEntry{
				{Employee: "slack:U1", Department: "Eng", HR: true, Line: 2},
				{Employee: "slack:U2", Manager: "slack:U1", Department: "Eng", Line: 3},
			},
		},
		{
			name: "chinese header",
			file: "org.csv",
			data: "员工,上级,部门,HR\nlark:ou_a,,研发部,是\nlark:ou_b,lark:ou_a,研发部,否\n",
			want: []bot.OrgEntry{
				{Employee: "lark:ou_a", Department: "研发部", HR: true, Line: 2},
				{Employee: "lark:ou_b", Manager: "lark:ou_a", Department: "研发部", Line: 3},
			},
		},
		{
			name: "经理 and any order and case",
			file: "org.csv",
			data: " HR , 经理 ,EMPLOYEE,Department\n1,lark:ou_a,lark:ou_b,\n",
			want: []bot.OrgEntry{{Employee: "lark:ou_b", Manager: "lark:ou_a", HR: true, Line: 2}},
		},
		{
			name: "byte-order mark",
			file: "org.csv",
			data: "\uFEFF员工,经理\nslack:U1,\n",
			want: []bot.OrgEntry{e("slack:U1", "", 2)},
		},
		{
			name: "byte-order mark yaml",
			file: "org.yaml",
			data: "\uFEFF- employee: slack:U1\n",
			want: []bot.OrgEntry{e("slack:U1", "", 1)},
		},
		{
			name: "CRLF, blanks, comments and empty spreadsheet rows",
			file: "org.csv",
			data: "# exported 2026-05-01\r\n\r\nemployee,manager\r\n\r\n# the CEO\r\nslack:U1,\r\n,,\r\n  \r\nslack:U2 , slack:U1 \r\n",
			want: []bot.OrgEntry{e("slack:U1", "", 6), e("slack:U2", "slack:U1", 9)},
		},
		{
			name: "quoted value over two lines",
			file: "org.csv",
			data: "employee,department\nslack:U1,\"Sales,\nEMEA\"\nslack:U2,Ops\n",
			want: []bot.OrgEntry{
				{Employee: "slack:U1", Department: "Sales,\nEMEA", Line: 2},
				{Employee: "slack:U2", Department: "Ops", Line: 4},
			},
		},
		{
			name: "short rows",
			file: "org.csv",
			data: "employee,manager,department,hr\nslack:U1\nslack:U2,slack:U1\n",
			want: []bot.OrgEntry{e("slack:U1", "", 2), e("slack:U2", "slack:U1", 3)},
		},
		{
			name: "every hr spelling",
			file: "org.csv",
			data: "employee,hr\nslack:A,true\nslack:B,Yes\nslack:C,y\nslack:D,1\nslack:E,是\n" +
				"slack:F,FALSE\nslack:G,no\nslack:H,N\nslack:I,0\nslack:J,否\nslack:K,\n",
			want: func() []bot.OrgEntry {
				var out []bot.OrgEntry
				for i, id := range strings.Split("ABCDEFGHIJK", "") {
					out = append(out, bot.OrgEntry{Employee: "slack:" + id, HR: i < 5, Line: i + 2})
				}
				return out
			}(),
		},
		{
			name: "yaml list",
			file: "org.yml",
			data: "- employee: slack:U1\n  hr: true\n- employee: slack:U2\n  manager: slack:U1\n  department: Eng\n  hr: 否\n",
			want: []bot.OrgEntry{
				{Employee: "slack:U1", HR: true, Line: 1},
				{Employee: "slack:U2", Manager: "slack:U1", Department: "Eng", Line: 3},
			},
		},
		{
			name: "yaml people, chinese keys, nulls",
			file: "org.yaml",
			data: "people:\n  - {员工: lark:ou_a, 经理: ~, HR: yes}\n  - 员工: lark:ou_b\n    上级: lark:ou_a\n    部门:\n",
			want: []bot.OrgEntry{
				{Employee: "lark:ou_a", HR: true, Line: 2},
				{Employee: "lark:ou_b", Manager: "lark:ou_a", Line: 3},
			},
		},
		{
			name: "json",
			file: "org.json",
			data: "{\"people\": [\n  {\"employee\": \"slack:U1\", \"hr\": true},\n  {\"employee\": \"slack:U2\", \"manager\": \"slack:U1\", \"hr\": 0}\n]}\n",
			want: []bot.OrgEntry{
				{Employee: "slack:U1", HR: true, Line: 2},
				{Employee: "slack:U2", Manager: "slack:U1", Line: 3},
			},
		},
		{
			name: "sniffed csv",
			file: "org",
			data: "# people\nemployee,manager\nslack:U1,\n",
			want: []bot.OrgEntry{e("slack:U1", "", 3)},
		},
		{
			name: "sniffed yaml list",
			file: "org.txt",
			data: "# people\n\n- employee: slack:U1\n",
			want: []bot.OrgEntry{e("slack:U1", "", 3)},
		},
		{
			name: "sniffed yaml people",
			file: "org",
			data: "people:\n- employee: slack:U1\n",
			want: []bot.OrgEntry{e("slack:U1", "", 2)},
		},
		{
			name: "sniffed json",
			file: "org",
			data: "[{\"employee\": \"slack:U1\"}]",
			want: []bot.OrgEntry{e("slack:U1", "", 1)},
		},
		{
			name: "a manager outside the file",
			file: "org.csv",
			data: "employee,manager\nslack:U2,slack:U1\n",
			want: []bot.OrgEntry{e("slack:U2", "slack:U1", 2)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOrg(tt.file, []byte(tt.data))
			if err != nil {
				t.Fatalf("ParseOrg: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseOrg (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseOrgProblems(t *testing.T) {
	tests := []struct {
		name string
		file string
		data string
		want []string
	}{
		{
			name: "missing employee",
			file: "org.csv",
			data: "employee,manager\n,slack:U1\n",
			want: []string{`org.csv:2: employee is missing`},
		},
		{
			name: "malformed people",
			file: "org.csv",
			data: "employee,manager\nbob,slack:U1\nslack:U2,alice\nslack:,slack:U1\nslack:U3,:U1\n" +
				"teams:U4,slack:U1\nslack:U5,Slack:U1\nslack:U 6,slack:U1\nslack:U7,lark:ou\tx\n",
			want: []string{
				`org.csv:2: employee "bob" is not platform:id (e.g. slack:U123 or lark:ou_x)`,
				`org.csv:3: manager "alice" is not platform:id (e.g. slack:U123 or lark:ou_x)`,
				`org.csv:4: employee "slack:" is not platform:id (e.g. slack:U123 or lark:ou_x)`,
				`org.csv:5: manager ":U1" is not platform:id (e.g. slack:U123 or lark:ou_x)`,
				`org.csv:6: employee "teams:U4": platform must be lark or slack`,
				`org.csv:7: manager "Slack:U1": platform must be lark or slack`,
				`org.csv:8: employee "slack:U 6": the id must not contain spaces`,
				`org.csv:9: manager "lark:ou\tx": the id must not contain spaces`,
			},
		},
		{
			name: "unknown hr",
			file: "org.csv",
			data: "employee,hr\nslack:U1,maybe\n",
			want: []string{`org.csv:2: hr "maybe" is not yes or no (use true/false, yes/no, y/n, 1/0 or 是/否)`},
		},
		{
			name: "own manager",
			file: "org.csv",
			data: "employee,manager\nslack:U1,slack:U1\n",
			want: []string{`org.csv:2: employee "slack:U1" is their own manager`},
		},
		{
			name: "same employee twice and three times",
			file: "org.csv",
			data: "employee\nslack:U1\nslack:U2\nslack:U1\nslack:U1\n",
			want: []string{
				`org.csv:4: employee "slack:U1" is already listed on line 2`,
				`org.csv:5: employee "slack:U1" is already listed on line 2`,
			},
		},
		{
			name: "manager on another platform",
			file: "org.csv",
			data: "employee,manager\nlark:ou_a,slack:U9\n",
			want: []string{`org.csv:2: manager "slack:U9" is on slack, but employee "lark:ou_a" is on lark`},
		},
		{
			name: "cycle of two",
			file: "org.csv",
			data: "employee,manager\nslack:A,slack:B\nslack:C,slack:A\nslack:B,slack:A\n",
			want: []string{`org.csv:2: reporting lines go round in a circle: slack:A → slack:B → slack:A (lines 2, 4)`},
		},
		{
			name: "cycle of three found from outside it, and a second cycle",
			file: "org.csv",
			data: "employee,manager\nslack:X,slack:C\nslack:B,slack:C\nslack:C,slack:A\nslack:A,slack:B\n" +
				"lark:p,lark:q\nlark:q,lark:p\n",
			want: []string{
				`org.csv:3: reporting lines go round in a circle: slack:B → slack:C → slack:A → slack:B (lines 3, 4, 5)`,
				`org.csv:6: reporting lines go round in a circle: lark:p → lark:q → lark:p (lines 6, 7)`,
			},
		},
		{
			name: "unknown, repeated and missing columns",
			file: "org.csv",
			data: "name,manager,上级,title\nslack:U1,,,\n",
			want: []string{
				`org.csv:1: unknown column "name" (want employee/员工, manager/经理/上级, department/部门, hr)`,
				`org.csv:1: column "上级" repeats column "manager"`,
				`org.csv:1: unknown column "title" (want employee/员工, manager/经理/上级, department/部门, hr)`,
				`org.csv:1: the header has no employee column (employee or 员工)`,
			},
		},
		{
			name: "unknown column, rows still checked",
			file: "org.csv",
			data: "employee,title\nslack:U1,CEO\nbob,\n",
			want: []string{
				`org.csv:1: unknown column "title" (want employee/员工, manager/经理/上级, department/部门, hr)`,
				`org.csv:3: employee "bob" is not platform:id (e.g. slack:U123 or lark:ou_x)`,
			},
		},
		{
			name: "too many cells and an unnamed column",
			file: "org.csv",
			data: "employee,,department\nslack:U1,,Sales, EMEA\nslack:U2,x,Ops\nslack:U3,,Ops,,\n",
			want: []string{
				`org.csv:2: 4 cells, but the header names 3 columns (quote a value that holds a comma)`,
				`org.csv:3: value "x" is in column 2, which the header leaves unnamed`,
			},
		},
		{
			name: "broken quoting",
			file: "org.csv",
			data: "employee,department\nslack:U1,Sa\"les\nslack:U2,Ops\nbob\n",
			want: []string{
				`org.csv:2: not valid CSV: bare " in non-quoted-field`,
				`org.csv:4: employee "bob" is not platform:id (e.g. slack:U123 or lark:ou_x)`,
			},
		},
		{
			name: "not UTF-8",
			file: "org.csv",
			data: "employee,department\nslack:U1,\xd1\xd0\xb7\xa2\n", // 研发 in GBK
			want: []string{`org.csv:2: not UTF-8 text (save it as "CSV UTF-8" or UTF-8 YAML)`},
		},
		{
			name: "several at once, in line order",
			file: "org.csv",
			data: "员工,经理,部门,HR\n" +
				"slack:U1,,Eng,\n" +
				"slack:U2,slack:U1,Eng,perhaps\n" +
				",slack:U1,Eng,\n" +
				"slack:U2,slack:U3,Eng,\n" +
				"slack:U3,slack:U4,Eng,\n" +
				"slack:U4,slack:U3,Eng,\n" +
				"lark:ou_a,slack:U1,研发部,是\n" +
				"slack:U9,slack:U9,Eng,\n",
			want: []string{
				`org.csv:3: hr "perhaps" is not yes or no (use true/false, yes/no, y/n, 1/0 or 是/否)`,
				`org.csv:4: employee is missing`,
				`org.csv:5: employee "slack:U2" is already listed on line 3`,
				`org.csv:6: reporting lines go round in a circle: slack:U3 → slack:U4 → slack:U3 (lines 6, 7)`,
				`org.csv:8: manager "slack:U1" is on slack, but employee "lark:ou_a" is on lark`,
				`org.csv:9: employee "slack:U9" is their own manager`,
			},
		},
		{
			name: "yaml: every problem at its own line",
			file: "org.yaml",
			data: "people:\n" + // 1
				"  - employee: slack:U1\n" + // 2
				"    manager: slack:U1\n" + // 3
				"    hr: maybe\n" + // 4
				"  - manager: slack:U1\n" + // 5
				"    title: CEO\n" + // 6
				"  - employee: lark:ou_a\n" + // 7
				"    上级: slack:U1\n" + // 8
				"    经理: lark:ou_b\n" + // 9
				"  - just a string\n" + // 10
				"  - employee: [slack:U2]\n" + // 11
				"  - {employee: slack:U1}\n" + // 12
				"  - {employee: 'slack:U 3', manager: bob}\n", // 13
			want: []string{
				`org.yaml:3: employee "slack:U1" is their own manager`,
				`org.yaml:4: hr "maybe" is not yes or no (use true/false, yes/no, y/n, 1/0 or 是/否)`,
				`org.yaml:5: employee is missing`,
				`org.yaml:6: unknown key "title" (want employee/员工, manager/经理/上级, department/部门, hr)`,
				`org.yaml:8: manager "slack:U1" is on slack, but employee "lark:ou_a" is on lark`,
				`org.yaml:9: key "经理" repeats key "上级"`,
				`org.yaml:10: want a map of employee, manager, department, hr`,
				`org.yaml:11: employee: want a single value, not a list or map`,
				`org.yaml:12: employee "slack:U1" is already listed on line 2`,
				`org.yaml:13: employee "slack:U 3": the id must not contain spaces`,
				`org.yaml:13: manager "bob" is not platform:id (e.g. slack:U123 or lark:ou_x)`,
			},
		},
		{
			name: "yaml cycle",
			file: "org.yaml",
			data: "- {employee: lark:a, manager: lark:b}\n- {employee: lark:b, manager: lark:a}\n",
			want: []string{`org.yaml:1: reporting lines go round in a circle: lark:a → lark:b → lark:a (lines 1, 2)`},
		},
		{
			name: "yaml wrong shapes",
			file: "org.yaml",
			data: "staff:\n  - employee: slack:U1\n",
			want: []string{
				`org.yaml:1: unknown key "staff" (want people)`,
				`org.yaml:1: want a list of people, or people: followed by one`,
			},
		},
		{
			name: "yaml scalar",
			file: "org.yaml",
			data: "slack:U1\n",
			want: []string{`org.yaml:1: want a list of people, or people: followed by one`},
		},
		{
			name: "yaml syntax",
			file: "org.yaml",
			data: "- employee: [\n",
			want: []string{"org.yaml: yaml: line 1: did not find expected node content"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOrg(tt.file, []byte(tt.data))
			if got != nil {
				t.Errorf("ParseOrg returned entries along with errors: %v", got)
			}
			if diff := cmp.Diff(tt.want, problems(err)); diff != "" {
				t.Errorf("ParseOrg problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseOrgLarge(t *testing.T) {
	// One long chain, each person reporting to the one before: the deepest
	// walk the cycle check can meet.
	const n = 10_000
	var b strings.Builder
	b.WriteString("employee,manager,department,hr\n")
	b.WriteString("slack:U0,,Board,no\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "slack:U%d,slack:U%d,Dept %d,%s\n", i, i-1, i%50, []string{"no", "yes"}[i%2])
	}
	data := []byte(b.String())

	start := time.Now()
	got, err := ParseOrg("org.csv", data)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n || got[n-1].Manager != fmt.Sprintf("slack:U%d", n-2) || got[n-1].Line != n+1 {
		t.Errorf("ParseOrg read %d entries, last %+v", len(got), got[len(got)-1])
	}
	if elapsed > 500*time.Millisecond {
		t.Errorf("ParseOrg took %v for %d lines, want well under a second", elapsed, n)
	}
	t.Logf("%d lines in %v", n, elapsed)

	// The same chain closed into one circle is reported once.
	closed := strings.Replace(string(data), "slack:U0,,", fmt.Sprintf("slack:U0,slack:U%d,", n-1), 1)
	_, err = ParseOrg("org.csv", []byte(closed))
	if ps := problems(err); len(ps) != 1 || !strings.HasPrefix(ps[0], "org.csv:2: reporting lines go round in a circle: slack:U0 → slack:U9999 → ") {
		t.Errorf("closed chain: %d problems, first %.120q", len(ps), ps)
	}
}
