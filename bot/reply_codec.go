package bot

import (
	"encoding/json"
	"fmt"
)

// The replies of an applied event are kept (Effects) so a run of the same
// event again answers exactly as the first did. Blocks are an interface,
// so each is written with its kind. A reply's File (an export) is not
// kept: an export changes nothing but its audit line, so a replayed one
// answers with its message alone and is never sent twice; whoever still
// wants the file asks again. An Invite is not kept either: its message
// is, under its key, so a replay sends nothing twice and no second .ics.

// wireReply is a Reply as stored.
type wireReply struct {
	To        string            `json:"to,omitempty"`
	Chat      string            `json:"chat,omitempty"`
	Private   bool              `json:"private,omitempty"`
	GroupSafe bool              `json:"group_safe,omitempty"`
	Replace   bool              `json:"replace,omitempty"`
	Key       string            `json:"key,omitempty"`
	Title     string            `json:"title,omitempty"`
	Color     Color             `json:"color,omitempty"`
	Blocks    []wireBlock       `json:"blocks,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
}

// wireBlock is one block with its kind; exactly one field is set.
type wireBlock struct {
	Kind     string    `json:"kind"`
	Text     string    `json:"text,omitempty"`
	Fields   []Field   `json:"fields,omitempty"`
	Progress *Progress `json:"progress,omitempty"`
	Buttons  []Button  `json:"buttons,omitempty"`
	Form     *Form     `json:"form,omitempty"`
	Chart    *Chart    `json:"chart,omitempty"`
}

// MarshalReplies encodes replies for keeping.
func MarshalReplies(replies []Reply) ([]byte, error) {
	out := make([]wireReply, len(replies))
	for i, r := range replies {
		w := wireReply{To: r.To, Chat: r.Chat, Private: r.Private, GroupSafe: r.GroupSafe, Replace: r.Replace,
			Key: r.Key, Title: r.Message.Title, Color: r.Message.Color, Errors: r.Errors}
		for _, b := range r.Message.Blocks {
			var wb wireBlock
			switch b := b.(type) {
			case Text:
				wb = wireBlock{Kind: "text", Text: b.Body}
			case Context:
				wb = wireBlock{Kind: "context", Text: string(b)}
			case Divider:
				wb = wireBlock{Kind: "divider"}
			case Fields:
				wb = wireBlock{Kind: "fields", Fields: b}
			case Progress:
				wb = wireBlock{Kind: "progress", Progress: &b}
			case Buttons:
				wb = wireBlock{Kind: "buttons", Buttons: b}
			case Form:
				wb = wireBlock{Kind: "form", Form: &b}
			case Chart:
				wb = wireBlock{Kind: "chart", Chart: &b}
			default:
				return nil, fmt.Errorf("encode replies: unknown block %T", b)
			}
			w.Blocks = append(w.Blocks, wb)
		}
		out[i] = w
	}
	return json.Marshal(out)
}

// UnmarshalReplies decodes what MarshalReplies wrote.
func UnmarshalReplies(raw []byte) ([]Reply, error) {
	var in []wireReply
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("decode replies: %w", err)
	}
	out := make([]Reply, len(in))
	for i, w := range in {
		r := Reply{To: w.To, Chat: w.Chat, Private: w.Private, GroupSafe: w.GroupSafe, Replace: w.Replace,
			Key: w.Key, Errors: w.Errors, Message: Message{Title: w.Title, Color: w.Color}}
		for _, wb := range w.Blocks {
			var b Block
			switch wb.Kind {
			case "text":
				b = Text{Body: wb.Text}
			case "context":
				b = Context(wb.Text)
			case "divider":
				b = Divider{}
			case "fields":
				b = Fields(wb.Fields)
			case "progress":
				if wb.Progress == nil {
					return nil, fmt.Errorf("decode replies: progress without a value")
				}
				b = *wb.Progress
			case "buttons":
				b = Buttons(wb.Buttons)
			case "form":
				if wb.Form == nil {
					return nil, fmt.Errorf("decode replies: form without a value")
				}
				b = *wb.Form
			case "chart":
				if wb.Chart == nil {
					return nil, fmt.Errorf("decode replies: chart without a value")
				}
				b = *wb.Chart
			default:
				return nil, fmt.Errorf("decode replies: unknown block kind %q", wb.Kind)
			}
			r.Message.Blocks = append(r.Message.Blocks, b)
		}
		out[i] = r
	}
	return out, nil
}
