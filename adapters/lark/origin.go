package lark

// Origin is where an inbound event came from, so the engine's replies go
// back to the right place: a reply without a recipient answers in Chat; a
// Replace reply updates the clicked card.
type Origin struct {
	TenantKey string // Feishu tenant_key; the engine's tenant is "lark:"+TenantKey
	ChatID    string // open chat id (oc_…)
	ChatType  string // "p2p" or "group"
	MessageID string // the user's message (om_…), when the event is a message
	// CardMessageID is the open_message_id of a clicked card, and
	// UpdateToken its delayed-update token (valid 30 minutes, 2 uses).
	CardMessageID string
	UpdateToken   string
	OperatorID    string // open_id of who typed or clicked
	EventID       string // for logs
}

// Group reports whether the event came from a group chat.
func (o Origin) Group() bool { return o.ChatType == "group" }

// tenantOf is the engine's tenant id for a Feishu tenant key.
func tenantOf(tenantKey string) string { return "lark:" + tenantKey }
