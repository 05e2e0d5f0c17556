package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/pipbot/pipbot/bot"
)

// checkOrg checks every row and then the reporting lines between them,
// adding each problem to p, and returns the entries in file order.
func checkOrg(rows []orgRow, p *orgProblems) []bot.OrgEntry {
	entries := make([]bot.OrgEntry, 0, len(rows))
	lines := map[string]int{}       // employee → line of the row that lists them first
	managers := map[string]string{} // employee → manager, where both are sound
	var order []string              // employees in file order, once each
	for _, row := range rows {
		emp, mgr, hr := row.employee, row.manager, row.hr
		at := func(f orgField) int { return cmp.Or(f.line, row.line) }

		empOK := false
		if emp.bad {
			// reported where it was read
		} else if emp.text == "" {
			p.add(row.line, "employee is missing")
		} else if msg := checkOrgPerson(emp.text); msg != "" {
			p.add(at(emp), "employee %q%s", emp.text, msg)
		} else {
			empOK = true
		}

		mgrOK := false
		if mgr.text != "" && !mgr.bad {
			if msg := checkOrgPerson(mgr.text); msg != "" {
				p.add(at(mgr), "manager %q%s", mgr.text, msg)
			} else {
				mgrOK = true
			}
		}
		if empOK && mgrOK {
			ep, _, _ := strings.Cut(emp.text, ":")
			mp, _, _ := strings.Cut(mgr.text, ":")
			switch {
			case mgr.text == emp.text:
				p.add(at(mgr), "employee %q is their own manager", emp.text)
				mgrOK = false
			case mp != ep:
				p.add(at(mgr), "manager %q is on %s, but employee %q is on %s", mgr.text, mp, emp.text, ep)
				mgrOK = false
			}
		}

		isHR, ok := parseOrgHR(hr.text)
		if !ok && !hr.bad {
			p.add(at(hr), "hr %q is not yes or no (use true/false, yes/no, y/n, 1/0 or 是/否)", hr.text)
		}

		if empOK {
			if first, dup := lines[emp.text]; dup {
				p.add(at(emp), "employee %q is already listed on line %d", emp.text, first)
			} else {
				lines[emp.text] = row.line
				order = append(order, emp.text)
				if mgrOK {
					managers[emp.text] = mgr.text
				}
			}
		}
		entries = append(entries, bot.OrgEntry{
			Employee:   emp.text,
			Manager:    mgr.text,
			Department: row.department.text,
			HR:         isHR,
			Line:       row.line,
		})
	}
	checkOrgCycles(order, managers, lines, p)
	return entries
}

// checkOrgCycles reports every loop in the reporting lines (A reports to
// B, who reports to A), once, at the line of its earliest person. Each
// person has at most one manager, so one walk up from everyone, never
// revisiting a person, finds them all in linear time.
func checkOrgCycles(order []string, managers map[string]string, lines map[string]int, p *orgProblems) {
	const (
		unseen = iota
		onPath
		done
	)
	state := make(map[string]int, len(order))
	for _, start := range order {
		var path []string
		for cur := start; ; {
			if state[cur] == done {
				break
			}
			if state[cur] == onPath {
				reportOrgCycle(path[slices.Index(path, cur):], lines, p)
				break
			}
			state[cur] = onPath
			path = append(path, cur)
			next, ok := managers[cur]
			if !ok {
				break
			}
			cur = next
		}
		for _, person := range path {
			state[person] = done
		}
	}
}

// reportOrgCycle names the people of one loop, starting from the one
// listed first: "reporting lines go round in a circle: slack:UA → slack:UB
// → slack:UA (lines 3, 5)".
func reportOrgCycle(cycle []string, lines map[string]int, p *orgProblems) {
	first := 0
	for i, person := range cycle {
		if lines[person] < lines[cycle[first]] {
			first = i
		}
	}
	cycle = append(cycle[first:len(cycle):len(cycle)], cycle[:first]...)
	at := make([]string, len(cycle))
	for i, person := range cycle {
		at[i] = fmt.Sprint(lines[person])
	}
	p.add(lines[cycle[0]], "reporting lines go round in a circle: %s → %s (lines %s)",
		strings.Join(cycle, " → "), cycle[0], strings.Join(at, ", "))
}

// checkOrgPerson checks "platform:id", returning what is wrong as the rest
// of a sentence that starts with the value, or "".
func checkOrgPerson(s string) string {
	platform, id, ok := strings.Cut(s, ":")
	switch {
	case !ok || platform == "" || id == "":
		return " is not platform:id (e.g. slack:U123 or lark:ou_x)"
	case platform != "lark" && platform != "slack":
		return ": platform must be lark or slack"
	case strings.ContainsFunc(id, unicode.IsSpace):
		return ": the id must not contain spaces"
	}
	return ""
}

// parseOrgHR reads an hr value; ok is false when it is none of the
// accepted spellings.
func parseOrgHR(s string) (hr, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false", "no", "n", "0", "否":
		return false, true
	case "true", "yes", "y", "1", "是":
		return true, true
	}
	return false, false
}
