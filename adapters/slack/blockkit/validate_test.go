package blockkit

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// extremeCorpus is what the engine answers for the largest plans
// (bot.TestExtremeCorpus): every message and form kind, for a plan at
// every input limit and one far past them.
const extremeCorpus = "../../../bot/testdata/extreme_replies.json.gz"

// TestGoldensFitSlack holds every golden message and view to Block Kit's
// limits: 50 blocks a message, 100 a view, every text within its own.
func TestGoldensFitSlack(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.golden.json")
	checked := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var view struct {
			Type            string        `json:"type"`
			Blocks          *slack.Blocks `json:"blocks"`
			PrivateMetadata string        `json:"private_metadata"`
		}
		var message slack.Blocks
		switch {
		case strings.HasPrefix(strings.TrimSpace(string(raw)), "["):
			if err := json.Unmarshal(raw, &message); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			checkLimits(t, message.BlockSet, MaxMessageBlocks)
		case json.Unmarshal(raw, &view) == nil && view.Blocks != nil:
			checkLimits(t, view.Blocks.BlockSet, MaxViewBlocks)
			if len(view.PrivateMetadata) > maxMetadata {
				t.Errorf("%s: private_metadata of %d", f, len(view.PrivateMetadata))
			}
		default:
			continue // a view_submission answer, no blocks
		}
		checked++
	}
	if checked < 5 {
		t.Fatalf("%d goldens checked", checked)
	}
}

// readCorpus is the extreme corpus: replies by plan size and kind.
func readCorpus(t *testing.T) map[string][]bot.Reply {
	t.Helper()
	f, err := os.Open(filepath.FromSlash(extremeCorpus))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	out := map[string][]bot.Reply{}
	for k, v := range entries {
		if out[k], err = bot.UnmarshalReplies(v); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if len(out) < 20 {
		t.Fatalf("the corpus holds %d entries", len(out))
	}
	return out
}

// TestExtremePlansFitSlack renders every message and form the engine
// makes for the largest plans: each message part, the App Home of them
// all and every modal page fits, no message text is lost, and every form,
// walked page by page, submits every value typed.
func TestExtremePlansFitSlack(t *testing.T) {
	var home []bot.Message
	for kind, replies := range readCorpus(t) {
		for _, r := range replies {
			home = append(home, r.Message)
			for _, l := range []bot.Locale{bot.LocaleZH, bot.LocaleEN} {
				parts := Messages(r.Message, Options{Locale: l, Interactive: true})
				opens := 0
				for _, p := range parts {
					checkLimits(t, p, MaxMessageBlocks)
					for _, b := range p {
						if a, ok := b.(*slack.ActionBlock); ok {
							for _, e := range a.Elements.ElementSet {
								if btn, ok := e.(*slack.ButtonBlockElement); ok && IsFormButton(btn.ActionID) {
									opens++
								}
							}
						}
					}
				}
				forms := 0
				for _, b := range r.Message.Blocks {
					if _, ok := b.(bot.Form); ok {
						forms++
					}
				}
				if opens != forms {
					t.Errorf("%s: %d forms, %d buttons to open them", kind, forms, opens)
				}
				for _, b := range r.Message.Blocks {
					if f, ok := b.(bot.Form); ok {
						walkModal(t, kind, f, l)
					}
				}
			}
		}
	}
	checkLimits(t, Home(home, Options{Locale: bot.LocaleZH, Interactive: true}).Blocks.BlockSet, MaxViewBlocks)
}

// walkModal types a value into every input of every modal of f, as Slack
// submits each page and the engine answers a page turn, and checks each
// view fits and the last submission carries every value.
func walkModal(t *testing.T, what string, f bot.Form, l bot.Locale) {
	t.Helper()
	meta, err := MetadataValue(Metadata{Action: f.Action, Channel: "D1", MessageTS: "1.2"})
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	typed := map[string]string{}
	current := f
	for page := 0; page < 20; page++ {
		v := Modal(current, ModalOptions{Locale: l, PrivateMetadata: meta})
		checkLimits(t, v.Blocks.BlockSet, MaxViewBlocks)
		if n := len(v.PrivateMetadata); n == 0 || n > maxMetadata {
			t.Fatalf("%s: page %d private_metadata of %d", what, page, n)
		}
		state := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{}}
		for _, b := range v.Blocks.BlockSet {
			if in, ok := b.(*slack.InputBlock); ok {
				typed[in.BlockID] = "v:" + in.BlockID
				state.Values[in.BlockID] = map[string]slack.BlockAction{in.BlockID: {Type: slack.ActionType(slack.METPlainTextInput), Value: typed[in.BlockID]}}
			}
		}
		in, _, err := ParseView(slack.View{PrivateMetadata: v.PrivateMetadata, State: state}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, turn := in.Args[bot.ArgPage]; !turn {
			for _, inp := range f.Inputs {
				if inp.Name != "" && in.Values[inp.Name] != typed[inp.Name] {
					t.Errorf("%s: %s = %q at submit, typed %q", what, inp.Name, in.Values[inp.Name], typed[inp.Name])
				}
			}
			return
		}
		next := f
		next.Action.Args = in.Args
		next.Inputs = slices.Clone(f.Inputs)
		for i, inp := range next.Inputs {
			if val, ok := in.Values[inp.Name]; ok {
				next.Inputs[i].Value = val
			}
		}
		current = next
		meta, _ = MetadataValue(Metadata{Action: next.Action, Channel: "D1", MessageTS: "1.2"})
	}
	t.Fatalf("%s: no last page after 20", what)
}
