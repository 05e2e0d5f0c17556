package console

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

// The engine is the real Handler.
var _ Handler = (*bot.Engine)(nil)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeHandler records every command and answers from a script, one step per call.
type fakeHandler struct {
	cmds   []bot.Command
	script []step
}

// step is one scripted answer of the engine.
type step struct {
	replies []bot.Reply
	err     error
}

func (f *fakeHandler) Handle(ctx context.Context, cmd bot.Command) ([]bot.Reply, error) {
	if _, ok := ctx.Deadline(); !ok {
		panic("Handle called without a deadline")
	}
	f.cmds = append(f.cmds, cmd)
	if len(f.script) == 0 {
		return nil, nil
	}
	s := f.script[0]
	f.script = f.script[1:]
	return s.replies, s.err
}

// answer scripts the next calls, each returning the given replies.
func (f *fakeHandler) answer(replies ...[]bot.Reply) *fakeHandler {
	for _, r := range replies {
		f.script = append(f.script, step{replies: r})
	}
	return f
}

// demoPeople is the organisation of the tests: a manager with two reports
// and an HR partner.
func demoPeople() []bot.Person {
	return []bot.Person{
		{ID: "u_wang", Name: "王经理"},
		{ID: "u_li", Name: "小李", ManagerID: "u_wang"},
		{ID: "u_hr", Name: "Alice Chen", HR: true},
		{ID: "u_bob", Name: "Bob", ManagerID: "u_wang"},
	}
}

// session runs the adapter over input in English and returns what it printed.
func session(t *testing.T, h Handler, input string, edit ...func(*Options)) string {
	t.Helper()
	var out strings.Builder
	opts := Options{In: strings.NewReader(input), Out: &out, Tenant: "console:test",
		People: demoPeople(), Locale: bot.LocaleEN, Echo: true}
	for _, e := range edit {
		e(&opts)
	}
	if err := New(h, opts).Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String()
}

// golden compares got with testdata/name.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// mustContain fails unless out has every one of wants.
func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// buttonsReply is a reply with a title, some text and the given buttons.
func buttonsReply(to, title string, labels ...string) bot.Reply {
	var bs bot.Buttons
	for _, l := range labels {
		bs = append(bs, bot.Button{Label: l, Action: bot.ActionRef{ID: strings.ToLower(l), Args: map[string]string{"plan": "7"}}})
	}
	return bot.Reply{To: to, Message: bot.Message{Title: title, Blocks: []bot.Block{bot.Text{Body: "Plan #7"}, bs}}}
}
