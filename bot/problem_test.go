package bot

import "testing"

// TestProblemArg reads a problem selector in either language and leaves
// metrics that merely look like one alone.
func TestProblemArg(t *testing.T) {
	cases := []struct {
		in   []string
		no   int
		rest int
	}{
		{[]string{"问题2", "个人", "x"}, 2, 2}, {[]string{"问题", "3", "x"}, 3, 1}, {[]string{"problem", "2", "x"}, 2, 1},
		{[]string{"Problem2", "x"}, 2, 1}, {[]string{"核心问题1", "x"}, 1, 1},
		{[]string{"P99", "延迟", "300", "200"}, 0, 4}, {[]string{"问题解决率", "60%", "90%"}, 0, 3}, {[]string{"problem", "solving", "60"}, 0, 3},
		{[]string{"person", "slow"}, 0, 2},
	}
	for _, c := range cases {
		no, rest := problemArg(c.in)
		if no != c.no || len(rest) != c.rest {
			t.Errorf("problemArg(%q) = %d, %q; want %d with %d words left", c.in, no, rest, c.no, c.rest)
		}
	}
}

// TestRankProblems moves a problem up or down the ranking and keeps the
// priorities 1..n; removing one closes the gap and unlinks its goals.
func TestRankProblems(t *testing.T) {
	p := &Plan{}
	for _, m := range []string{"a", "b", "c"} {
		p.addProblem(Gap{Metric: m})
	}
	p.Goals = []Goal{{No: 1, Problem: 2}, {No: 2, Problem: 3}}
	order := func() string {
		s := ""
		for _, x := range p.Ranked() {
			s += x.Gap.Metric + itoa(x.Priority)
		}
		return s
	}
	p.rank(3, 1)
	if got := order(); got != "c1a2b3" {
		t.Errorf("after moving c first: %s", got)
	}
	p.rank(3, 9)
	if got := order(); got != "a1b2c3" {
		t.Errorf("after moving c past the end: %s", got)
	}
	p.removeProblem(2)
	if got := order(); got != "a1c2" || p.Goals[0].Problem != 0 || p.Goals[1].Problem != 3 {
		t.Errorf("after removing b: %s, goals %+v", got, p.Goals)
	}
	if no := p.addProblem(Gap{Metric: "d"}).No; no != 4 {
		t.Errorf("a new problem is numbered %d, want 4 (numbers are never reused)", no)
	}
}
