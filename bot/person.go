package bot

import "time"

// Locale is a supported language.
type Locale string

// Supported locales.
const (
	LocaleZH Locale = "zh"
	LocaleEN Locale = "en"
)

// ParseLocale maps platform locale strings ("zh_cn", "zh-CN", "en-US", "en_us")
// to a supported locale; ok is false when it is neither.
func ParseLocale(s string) (Locale, bool) {
	if len(s) >= 2 {
		switch s[:2] {
		case "zh", "ZH":
			return LocaleZH, true
		case "en", "EN":
			return LocaleEN, true
		}
	}
	return "", false
}

// Person is someone in a tenant's organisation, as far as pipbot knows them.
// Adapters refresh Name, Locale and TZ from the platform's directory.
type Person struct {
	Tenant    string
	ID        string // platform user id (open_id, Slack U…, console name)
	Name      string
	Locale    Locale // empty: the tenant default
	TZ        string // IANA zone; empty: the tenant default
	ManagerID string // from the platform's directory (Feishu leader, Slack profile field)
	// AssignedManagerID is the manager HR named in chat ("reports @x @y");
	// it counts only when neither the platform nor the org file names one.
	AssignedManagerID string
	HR                bool // granted HR in chat ("hr add @x")
	UpdatedAt         time.Time
}
