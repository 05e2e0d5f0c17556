package bot_test

import (
	"reflect"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// TestPageTurnKeepsValues: turning a page of a form shows the same form
// again in place, every value entered so far filled in (a cleared one
// cleared), the page asked for kept in its action; nothing is stored.
func TestPageTurnKeepsValues(t *testing.T) {
	for _, tc := range []struct {
		name   string
		as     bot.Person
		action string
		args   map[string]string
		values map[string]string
	}{
		{"update", emp, "plan.update", map[string]string{"plan": "1"}, map[string]string{"goal_1": "42万", "text": "拜访了 12 家客户"}},
		{"review", mgr, "plan.review", map[string]string{"plan": "1"}, map[string]string{"goal_1": "", "assessment": "进展稳定"}},
		{"create", mgr, "plan.create", nil, map[string]string{"gap_metric": "投诉率", "goal_metric2": "回访率", "type": "new_hire"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			inActive(w)
			args := map[string]string{bot.ArgPage: "from:2"}
			for k, v := range tc.args {
				args[k] = v
			}
			before := w.snap()
			r := w.act(tc.as, tc.action, args, tc.values)
			if !reflect.DeepEqual(before, w.snap()) {
				t.Fatal("a page turn changed state")
			}
			if len(r) != 1 || !r[0].Replace {
				t.Fatalf("want one reply replacing the card, got %+v", r)
			}
			var f *bot.Form
			for _, b := range r[0].Message.Blocks {
				if x, ok := b.(bot.Form); ok {
					f = &x
				}
			}
			if f == nil || f.Action.ID != tc.action || f.Action.Args[bot.ArgPage] != "from:2" {
				t.Fatalf("form %+v", f)
			}
			for k, v := range tc.args {
				if f.Action.Args[k] != v {
					t.Errorf("arg %s = %q, want %q", k, f.Action.Args[k], v)
				}
			}
			seen := 0
			for _, in := range f.Inputs {
				if v, ok := tc.values[in.Name]; ok {
					seen++
					if in.Value != v {
						t.Errorf("input %s = %q, want %q", in.Name, in.Value, v)
					}
				}
			}
			if seen != len(tc.values) {
				t.Errorf("%d of %d values found as inputs", seen, len(tc.values))
			}
		})
	}
}

// TestPageTurnIsAuthorised: turning a page opens the form as the clicker,
// so someone who may not open it gets the same refusal.
func TestPageTurnIsAuthorised(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	r := w.act(other, "plan.review", map[string]string{"plan": "1", bot.ArgPage: "from:2"}, map[string]string{"goal_1": "1"})
	if len(r) != 1 || r[0].Replace || len(r[0].Message.Blocks) != 1 {
		t.Fatalf("a stranger turned a page: %+v", r)
	}
	if _, ok := r[0].Message.Blocks[0].(bot.Text); !ok {
		t.Fatalf("want a refusal, got %+v", r[0].Message.Blocks)
	}
}
