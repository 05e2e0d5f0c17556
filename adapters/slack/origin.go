package slack

// Origin is where an inbound event came from, so the engine's replies go
// back to the right place.
type Origin struct {
	TeamID      string // workspace; the engine's tenant is "slack:"+TeamID
	ChannelID   string // where the command was typed or the button clicked
	ChannelType string // "im", "channel", "group", "mpim", or "" when unknown
	UserID      string // who typed or clicked
	// MessageTS is the clicked message, so a Replace reply updates it
	// (chat.update) and its buttons are gone.
	MessageTS string
	// TriggerID lets the adapter open a modal within 3 s of a click or a
	// slash command; it expires after 3 s and can be used once.
	TriggerID string
	// ViewID is the modal a submission came from.
	ViewID      string
	ResponseURL string // for ephemeral answers in channels; never logged
	EventID     string // for logs
}

// DM reports whether the event came from a one-to-one conversation with the bot.
func (o Origin) DM() bool { return o.ChannelType == "im" }

// tenantOf is the engine's tenant id for a Slack workspace.
func tenantOf(teamID string) string { return "slack:" + teamID }
