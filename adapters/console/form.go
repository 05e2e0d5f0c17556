package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// errCancelled is returned for an input the person answered with /cancel.
var errCancelled = errors.New("form cancelled")

// fillForm asks for each input of c's form in turn and returns the
// submission, or nil when the person typed /cancel (nothing is sent and the
// form stays pending). problems, from the engine's last answer, are shown
// next to their inputs. Values are checked lightly here; the engine checks
// them again and has the last word.
func (a *Adapter) fillForm(ctx context.Context, c *card, problems map[string]string) (*bot.Command, error) {
	f := c.form
	title := f.Title
	if title == "" {
		title = f.Submit
	}
	a.println(fmt.Sprintf(a.ui.formStart, title))
	values := map[string]string{}
	for _, in := range f.Inputs {
		if p := problems[in.Name]; p != "" {
			a.println("  ⚠ " + p)
		}
		v, err := a.askInput(ctx, in)
		if errors.Is(err, errCancelled) {
			a.println(a.ui.formCancelled)
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if v != "" {
			values[in.Name] = v
		}
	}
	cmd := a.newCommand()
	cmd.Chat = c.chat
	cmd.Action = &bot.ActionInput{ID: f.Action.ID, Args: maps.Clone(f.Action.Args), Values: values}
	return &cmd, nil
}

// askInput asks for one input until the answer passes the light checks. An
// empty answer keeps the default, or skips an optional input ("").
func (a *Adapter) askInput(ctx context.Context, in bot.Input) (string, error) {
	switch in.Kind {
	case bot.InputSelect:
		for i, o := range in.Options {
			a.println(fmt.Sprintf("    %d) %s", i+1, o.Label))
		}
	case bot.InputUser:
		for i, p := range a.opts.People {
			a.println(fmt.Sprintf("    %d) %s (%s)", i+1, p.Name, p.ID))
		}
	}
	for {
		line, err := a.ask(ctx, a.inputPrompt(in))
		if err != nil {
			return "", err
		}
		s := strings.TrimSpace(line)
		switch {
		case strings.EqualFold(s, "/cancel"):
			return "", errCancelled
		case strings.EqualFold(s, "/quit") || strings.EqualFold(s, "/exit"):
			return "", io.EOF // leave the form and the session
		case s == "" && (in.Value != "" || !in.Required):
			return in.Value, nil
		case s == "":
			a.println(a.ui.needValue)
			continue
		}
		v, problem := a.parseInput(in, s)
		if problem == "" {
			return v, nil
		}
		a.println(problem)
	}
}

// inputPrompt is "  Label [number, required, default 5]: ".
func (a *Adapter) inputPrompt(in bot.Input) string {
	var hints []string
	switch in.Kind {
	case bot.InputNumber:
		hints = append(hints, a.ui.kindNumber)
	case bot.InputDate:
		hints = append(hints, a.ui.kindDate)
	case bot.InputDateTime:
		hints = append(hints, a.ui.kindDateTime+" "+a.opts.TZ.String())
	case bot.InputSelect:
		hints = append(hints, a.ui.kindSelect)
	case bot.InputUser:
		hints = append(hints, a.ui.kindUser)
	}
	if in.Required {
		hints = append(hints, a.ui.required)
	}
	if in.Value != "" {
		hints = append(hints, fmt.Sprintf(a.ui.defaultIs, a.showValue(in, in.Value)))
	}
	if in.Placeholder != "" {
		hints = append(hints, fmt.Sprintf(a.ui.example, in.Placeholder))
	}
	if len(hints) == 0 {
		return "  " + in.Label + ": "
	}
	return "  " + in.Label + " [" + strings.Join(hints, ", ") + "]: "
}

// showValue is how a stored value reads to a person: an option's label, a name.
func (a *Adapter) showValue(in bot.Input, v string) string {
	switch in.Kind {
	case bot.InputSelect:
		for _, o := range in.Options {
			if o.Value == v {
				return o.Label
			}
		}
	case bot.InputUser:
		return a.nameOf(v)
	}
	return v
}

// parseInput turns an answer into the value the engine expects, or says
// what is wrong with it. Dates are normalised to the engine's layouts.
func (a *Adapter) parseInput(in bot.Input, s string) (value, problem string) {
	switch in.Kind {
	case bot.InputNumber:
		// The engine's own reader, so "45万" and "8%" work here as in chat.
		if _, _, ok := bot.ParseNumber(s); !ok {
			return "", a.ui.badNumber
		}
	case bot.InputDate:
		// The engine's date reader: "2026-12-03", "12月3日", "明天".
		if d, ok := bot.ParseDate(s, a.now(), a.tz()); ok {
			return d.Format("2006-01-02"), ""
		}
		return "", a.ui.badDate
	case bot.InputDateTime:
		if t, ok := bot.ParseDateTime(s, a.now(), a.tz()); ok {
			return t.Format("2006-01-02 15:04"), ""
		}
		return "", a.ui.badDateTime
	case bot.InputSelect:
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(in.Options) {
			return in.Options[n-1].Value, ""
		}
		for _, o := range in.Options {
			if strings.EqualFold(o.Value, s) || strings.EqualFold(o.Label, s) {
				return o.Value, ""
			}
		}
		return "", a.ui.badChoice
	case bot.InputUser:
		id := strings.TrimSuffix(strings.TrimPrefix(s, "<@"), ">")
		if i, ok := findPerson(a.opts.People, id); ok {
			return a.opts.People[i].ID, ""
		}
		return "", fmt.Sprintf(a.ui.badUser, s)
	}
	return s, ""
}

// fieldErrors merges the per-input problems of the engine's replies.
func fieldErrors(replies []bot.Reply) map[string]string {
	var problems map[string]string
	for _, r := range replies {
		for name, p := range r.Errors {
			if problems == nil {
				problems = map[string]string{}
			}
			problems[name] = p
		}
	}
	return problems
}

// refill is f with the values just submitted as defaults, to be asked again.
func refill(f bot.Form, values map[string]string) *bot.Form {
	f.Inputs = slices.Clone(f.Inputs)
	for i, in := range f.Inputs {
		if v, ok := values[in.Name]; ok {
			f.Inputs[i].Value = v
		}
	}
	return &f
}

// now is the adapter's clock, for reading relative dates ("明天").
func (a *Adapter) now() time.Time {
	if a.opts.Clock != nil {
		return a.opts.Clock()
	}
	return time.Now()
}

// tz is the zone dates and times are typed in.
func (a *Adapter) tz() *time.Location { return a.opts.TZ }
