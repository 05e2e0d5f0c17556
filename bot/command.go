package bot

// Platform names where a command came from; it is recorded in the audit log.
const (
	PlatformLark    = "lark"
	PlatformSlack   = "slack"
	PlatformConsole = "console"
)

// Command is one thing a person did in chat: a message, a button click or a
// form submission. Adapters build it only after verifying the platform's
// signature, and fill Actor from the verified event, never from card content.
type Command struct {
	Platform string
	Tenant   string // "lark:<tenant_key>", "slack:<team_id>", "console:demo"
	Actor    Person // who typed or clicked; ID is required, the rest is a profile hint
	Chat     Chat   // where it happened
	// Text is the message with mentions written as <@USERID>.
	Text string
	// Action is set for a button click or a form submission.
	Action *ActionInput
	// EventID is the platform's delivery id, for logs (never plan content).
	EventID string
	// EventKey identifies the delivery for exactly-once effects (the inbox
	// delivery's key); a second run of the same key changes nothing and
	// gets the first run's replies. Empty: no such guarantee (the terminal).
	EventKey string
}

// Chat is the conversation a command came from.
type Chat struct {
	ID    string
	Group bool // a group chat or channel: private content goes to a DM instead
}

// ActionInput is a click or a submission coming back from a card.
type ActionInput struct {
	ID     string
	Args   map[string]string
	Values map[string]string // form values by Input.Name
}
