package slack

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
)

// WithManagerField makes the Directory read each person's manager from
// the custom profile field id (e.g. "Xf01ABCDEF"), which a workspace admin
// set up with type "user" (SLACK_MANAGER_FIELD). A profile refresh then
// also calls users.profile.get (scope users.profile:read), and
// bot.Person.ManagerID is the user id in the field, "" when it is empty or
// absent. Without a field Slack knows no manager: ManagerID is always "",
// also from cached rows, and users.profile.get is never called.
func (d *Directory) WithManagerField(id string) *Directory {
	d.managerField = strings.TrimSpace(id)
	return d
}

// userIDPattern is what a "user" field holds: a user id (U…, or W… in an
// Enterprise Grid).
var userIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)

// manager is the user id in userID's manager field: "" without a field,
// with the field empty or absent from the profile, or holding something
// other than a user id (the field's type was changed, say).
func (d *Directory) manager(ctx context.Context, teamID, user string) (string, error) {
	if d.managerField == "" {
		return "", nil
	}
	var prof *slack.UserProfile
	err := d.call(ctx, teamID, "users.profile.get", func(ctx context.Context) error {
		var err error
		prof, err = d.api.GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: user})
		return err
	})
	if err != nil {
		return "", err
	}
	if prof == nil {
		return "", fmt.Errorf("users.profile.get: answer without a profile")
	}
	v := strings.TrimSpace(prof.FieldsMap()[d.managerField].Value)
	if v != "" && !userIDPattern.MatchString(v) {
		d.log.Warn("manager field holds no user id", "tenant", tenantOf(teamID), "user_id", user, "field", d.managerField)
		return "", nil
	}
	return v, nil
}
