package bot

// OrgEntry is one line of the org file (PIPBOT_ORG): a person, their
// manager, department and whether they are HR. People are written
// "platform:id" as in PIPBOT_HR ("slack:U123", "lark:ou_x").
type OrgEntry struct {
	Employee   string
	Manager    string // "" when the file names none
	Department string
	HR         bool
	Line       int // where it was read, for messages
}
