package bot_test

import (
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// TestLifecycleTable checks every status × event pair against the intended
// state machine: the allowed edges lead where they should, everything else
// is refused with ESTATE and leaves the status alone.
func TestLifecycleTable(t *testing.T) {
	S := func(s bot.Status) *bot.Status { return &s }
	want := map[bot.Status]map[bot.Event]*bot.Status{
		bot.StatusDraft:     {bot.EvSubmit: S(bot.StatusSubmitted), bot.EvCancel: S(bot.StatusCancelled)},
		bot.StatusSubmitted: {bot.EvApprove: S(bot.StatusApproved), bot.EvRequestChange: S(bot.StatusDraft), bot.EvReject: S(bot.StatusDraft), bot.EvCancel: S(bot.StatusCancelled)},
		bot.StatusApproved:  {bot.EvAcknowledge: S(bot.StatusActive), bot.EvEditGoals: S(bot.StatusApproved), bot.EvCancel: S(bot.StatusCancelled)},
		bot.StatusActive:    {bot.EvEditGoals: S(bot.StatusApproved), bot.EvClose: S(bot.StatusClosed), bot.EvExtend: S(bot.StatusActive), bot.EvCancel: S(bot.StatusCancelled)},
		bot.StatusClosed:    {},
		bot.StatusCancelled: {},
	}
	events := []bot.Event{bot.EvSubmit, bot.EvApprove, bot.EvRequestChange, bot.EvReject, bot.EvAcknowledge, bot.EvEditGoals, bot.EvClose, bot.EvExtend, bot.EvCancel}
	edges := 0
	for from, row := range want {
		for _, ev := range events {
			got, op, err := bot.Next(from, ev)
			if to := row[ev]; to != nil {
				edges++
				if err != nil || got != *to || op == "" {
					t.Errorf("%s -%s-> got (%s, %q, %v), want %s", from, ev, got, op, err, *to)
				}
				continue
			}
			if err == nil || bot.ErrorCode(err) != bot.ESTATE || got != from {
				t.Errorf("%s -%s-> got (%s, %v), want refused with ESTATE", from, ev, got, err)
			}
		}
	}
	if n := len(bot.Transitions()); n != edges {
		t.Errorf("machine has %d edges, table expects %d", n, edges)
	}
}

// TestPermissionTable pins who may do what, one row per operation.
func TestPermissionTable(t *testing.T) {
	E, M, H, T, O := bot.RoleEmployee, bot.RoleManager, bot.RoleHR, bot.RoleMentor, bot.RoleOther
	want := map[bot.Op][]bot.Role{
		bot.OpView: {E, M, H, T}, bot.OpEdit: {E, M, H}, bot.OpSubmit: {E, M}, bot.OpApprove: {M, H},
		bot.OpRequestChange: {M, H}, bot.OpReject: {M, H}, bot.OpAcknowledge: {E}, bot.OpEditActive: {M, H},
		bot.OpUpdate: {E}, bot.OpActionAdd: {E, M, H}, bot.OpActionStatus: {E, M, H}, bot.OpInterview: {M, H},
		bot.OpInterviewOK: {E, M}, bot.OpReview: {M, H}, bot.OpClose: {M, H}, bot.OpExtend: {M, H},
		bot.OpCancel: {M, H}, bot.OpAdjustPropose: {E, M, H}, bot.OpAdjustManager: {M}, bot.OpAdjustHR: {H},
		bot.OpMentor: {M, H}, bot.OpNote: {M, H, T}, bot.OpAudit: {M, H},
	}
	for op, allowed := range want {
		for _, role := range []bot.Role{E, M, H, T, O} {
			exp := false
			for _, a := range allowed {
				exp = exp || a == role
			}
			if got := bot.Allowed(role, op); got != exp {
				t.Errorf("Allowed(%s, %s) = %v, want %v", role, op, got, exp)
			}
		}
	}
}
