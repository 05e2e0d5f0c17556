package blockkit

import (
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// maxError is the length of one error Slack shows under an input.
const maxError = 150

// ParseSubmission reads a view_submission's state back into the engine's
// form values, keyed by input Name (each input block's block_id): text and
// number inputs give their text, date pickers "2006-01-02", datetime
// pickers "2006-01-02 15:04" in tz (UTC when nil), time pickers "15:04",
// selects the chosen value, user selects the user ID. An input left empty
// gives "". The map is never nil: nil Values tell the engine "show the
// form", not "here it is".
func ParseSubmission(state *slack.ViewState, tz *time.Location) map[string]string {
	values := map[string]string{}
	if state == nil {
		return values
	}
	for blockID, actions := range state.Values {
		for _, a := range actions {
			values[blockID] = actionText(a, zone(tz))
		}
	}
	return values
}

// actionText is one input's value as the engine reads it.
func actionText(a slack.BlockAction, tz *time.Location) string {
	switch string(a.Type) {
	case string(slack.METPlainTextInput), string(slack.METNumber), string(slack.METEmailTextInput), string(slack.METURLTextInput):
		return a.Value
	case string(slack.METDatepicker):
		return a.SelectedDate
	case string(slack.METDatetimepicker):
		return dateTime(a.SelectedDateTime, tz)
	case string(slack.METTimepicker):
		return a.SelectedTime
	case slack.OptTypeStatic, slack.OptTypeExternal:
		return a.SelectedOption.Value
	case slack.OptTypeUser:
		return a.SelectedUser
	}
	// An unknown or missing type: whichever value is set.
	for _, s := range []string{a.Value, a.SelectedDate, a.SelectedOption.Value, a.SelectedUser, a.SelectedTime} {
		if s != "" {
			return s
		}
	}
	return dateTime(a.SelectedDateTime, tz)
}

// dateTime is a picker's Unix seconds in the engine's layout, or "" for none.
func dateTime(unix int64, tz *time.Location) string {
	if unix == 0 {
		return ""
	}
	return time.Unix(unix, 0).In(tz).Format(DateTimeLayout)
}

// ParseView reads a submitted modal of ours back into the engine's action
// input, with its routing: the action and arguments from private_metadata
// and the values from the state, after those a paged form carries from its
// earlier pages.
func ParseView(v slack.View, tz *time.Location) (*bot.ActionInput, Metadata, error) {
	m, err := ParseMetadata(v.PrivateMetadata)
	if err != nil {
		return nil, Metadata{}, fmt.Errorf("view %s: %w", v.CallbackID, err)
	}
	values := ParseSubmission(v.State, tz)
	for k, val := range m.Values {
		if _, ok := values[k]; !ok {
			values[k] = val
		}
	}
	return &bot.ActionInput{ID: m.Action.ID, Args: m.Action.Args, Values: values}, m, nil
}

// ErrorsResponse answers a view_submission whose values the engine
// refused, keeping the modal open with each problem under its input.
// errors is keyed by input Name, which is the input block's block_id;
// messages are put on one line and cut to Slack's 150 characters. Slack
// ignores keys that name no input in the view, so errors should be the
// engine's Reply.Errors for the submitted form.
func ErrorsResponse(errors map[string]string) *slack.ViewSubmissionResponse {
	out := make(map[string]string, len(errors))
	for name, msg := range errors {
		out[name] = clip(oneLine(msg), maxError)
	}
	return slack.NewErrorsViewSubmissionResponse(out)
}
