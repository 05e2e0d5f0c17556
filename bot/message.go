package bot

// Reply is one message the engine wants delivered. The engine decides who
// gets what; adapters only render and send.
type Reply struct {
	// To is the recipient's user ID for a one-to-one message. Empty means
	// "answer in the conversation the command came from".
	To string
	// Chat is a group chat ID for team-level messages; set only for content
	// a group may see. To and Chat are never both set.
	Chat string
	// Private marks personal plan content. Adapters must deliver it only
	// one-to-one (or ephemerally); never into a group. The engine sets it
	// on every reply that is not GroupSafe (privacy.go).
	Private bool
	// GroupSafe marks the few replies a group may see: help, "I answered
	// you privately", team-group confirmations and count-only summaries.
	GroupSafe bool
	// Replace asks the adapter to replace the card or message that was
	// clicked, instead of sending a new one (e.g. a decided approval card
	// loses its buttons for everyone).
	Replace bool
	// Key identifies the message for idempotent delivery (e.g. Feishu uuid);
	// the same logical notification always has the same key.
	Key string
	// Message is what to show.
	Message Message
	// Errors, on the answer to a form submission, maps input names to
	// problems so the form can be shown again with each problem in place.
	Errors map[string]string
	// File, when set, is sent with the message as a file (an export). A
	// reply with a file is always addressed To one person and Private:
	// adapters send files one-to-one, never into a group.
	File *Attachment
	// Invite, when set, is a calendar invitation for the reader (an
	// interview booked, moved or cancelled) on a platform without a
	// calendar API: the adapter attaches it as an .ics file, one-to-one only.
	Invite *Meeting
}

// Color is the accent of a card header; renderers map it to the platform's palette.
type Color string

// Card colors.
const (
	ColorDefault Color = ""
	ColorBlue    Color = "blue"
	ColorGreen   Color = "green"
	ColorOrange  Color = "orange"
	ColorRed     Color = "red"
	ColorGrey    Color = "grey"
)

// Message is a platform-neutral card: an optional title and blocks in order.
// A message with only one Text block is a plain chat message.
type Message struct {
	Title  string
	Color  Color
	Blocks []Block
}

// Text is the message as plain text, for logs-free previews, notifications
// and the terminal. It includes every block's text but no buttons or forms.
func (m Message) Text() string {
	var s string
	if m.Title != "" {
		s = m.Title
	}
	for _, b := range m.Blocks {
		var line string
		switch b := b.(type) {
		case Text:
			line = b.Body
		case Fields:
			for i, f := range b {
				if i > 0 {
					line += "\n"
				}
				line += f.Label + ": " + f.Value
			}
		case Progress:
			line = b.Label + " " + formatPercent(b.Percent) + " · " + b.Detail
		case Context:
			line = string(b)
		}
		if line == "" {
			continue
		}
		if s != "" {
			s += "\n"
		}
		s += line
	}
	return s
}

// Block is one part of a Message: Text, Fields, Progress, Buttons, Form,
// Divider or Context. The set is closed; renderers switch on the type.
type Block interface{ block() }

// Text is a paragraph. It may contain **bold** and line breaks, nothing else.
type Text struct{ Body string }

// Fields is a list of label/value pairs, shown two per row where the platform can.
type Fields []Field

// Field is one label/value pair.
type Field struct {
	Label string
	Value string
}

// Progress is a progress bar: Percent in 0–100 plus a short label and detail.
type Progress struct {
	Label   string
	Percent float64
	Detail  string // e.g. "350,000 → 420,000 / 500,000"
	Color   Color  // green on track, orange behind, red at risk
}

// Buttons is a row of buttons.
type Buttons []Button

// Button asks the engine to run Action when clicked. The click comes back as
// a Command carrying the identity of who clicked; the engine authorises that
// person, never what the card says.
type Button struct {
	Label  string
	Action ActionRef
	Style  ButtonStyle
	// Confirm, when set, asks the clicker to confirm before the action runs.
	Confirm string
}

// ButtonStyle hints how prominent a button is.
type ButtonStyle string

// Button styles.
const (
	StyleDefault ButtonStyle = ""
	StylePrimary ButtonStyle = "primary"
	StyleDanger  ButtonStyle = "danger"
)

// ActionRef names an engine action and its arguments (e.g. {"plan": "12"}).
// Adapters carry it through the platform (button value, modal metadata) and
// hand it back unchanged in Command.Action.
type ActionRef struct {
	ID   string
	Args map[string]string
}

// Form asks for typed input. Submitting it comes back as a Command whose
// Action has ID = Form.Action.ID, its Args, and Values keyed by Input.Name.
type Form struct {
	Title  string
	Action ActionRef
	Inputs []Input
	Submit string // label of the submit button
}

// InputKind is the type of a form input.
type InputKind string

// Input kinds every adapter renders.
const (
	InputText     InputKind = "text"
	InputTextArea InputKind = "textarea"
	InputNumber   InputKind = "number"
	InputDate     InputKind = "date"     // value "2006-01-02"
	InputDateTime InputKind = "datetime" // value "2006-01-02 15:04" in the reader's zone
	InputSelect   InputKind = "select"
	InputUser     InputKind = "user" // value is a user ID
)

// Input is one field of a Form.
type Input struct {
	Name        string
	Label       string
	Kind        InputKind
	Required    bool
	Placeholder string
	Value       string   // initial value
	Options     []Option // choices of InputSelect; candidates of InputUser (value = user ID)
}

// Option is one choice of a select input.
type Option struct {
	Value string
	Label string
}

// Divider is a horizontal rule.
type Divider struct{}

// Context is small secondary text (ids, timestamps, hints).
type Context string

func (Text) block()     {}
func (Fields) block()   {}
func (Progress) block() {}
func (Buttons) block()  {}
func (Form) block()     {}
func (Divider) block()  {}
func (Context) block()  {}
