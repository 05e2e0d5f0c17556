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
		bot.StatusDraft:     {bot.EvSubmit: S(bot.StatusSubmitted), bot.EvCancel: S(bot.StatusCancelled), bot.EvDelete: S(bot.StatusDeleted)},
		bot.StatusSubmitted: {bot.EvApprove: S(bot.StatusApproved), bot.EvForward: S(bot.StatusSubmitted), bot.EvRequestChange: S(bot.StatusDraft), bot.EvReject: S(bot.StatusDraft), bot.EvCancel: S(bot.StatusCancelled)},
		bot.StatusApproved:  {bot.EvAcknowledge: S(bot.StatusActive), bot.EvEditGoals: S(bot.StatusApproved), bot.EvCancel: S(bot.StatusCancelled)},
		bot.StatusActive:    {bot.EvEditGoals: S(bot.StatusApproved), bot.EvClose: S(bot.StatusClosed), bot.EvExtend: S(bot.StatusActive), bot.EvCancel: S(bot.StatusCancelled)},
		bot.StatusClosed:    {},
		bot.StatusCancelled: {},
		bot.StatusDeleted:   {},
	}
	events := []bot.Event{bot.EvSubmit, bot.EvApprove, bot.EvForward, bot.EvRequestChange, bot.EvReject, bot.EvAcknowledge, bot.EvEditGoals, bot.EvClose, bot.EvExtend, bot.EvCancel, bot.EvDelete}
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
	E, M, S, H, T, D, A, C, O := bot.RoleEmployee, bot.RoleManager, bot.RoleSenior, bot.RoleHR, bot.RoleMentor,
		bot.RoleDrafter, bot.RoleApprover, bot.RoleDecider, bot.RoleOther
	HA, TM, OW := bot.RoleHRAdmin, bot.RoleTeamManager, bot.RoleOwner
	want := map[bot.Op][]bot.Role{
		bot.OpView: {E, M, S, H, T, A}, bot.OpEdit: {D, E, M, H}, bot.OpSubmit: {D, E, M}, bot.OpDelete: {D},
		bot.OpApprove: {A}, bot.OpRequestChange: {A}, bot.OpReject: {A}, bot.OpAcknowledge: {E}, bot.OpEditActive: {M, H},
		bot.OpUpdate: {E}, bot.OpActionAdd: {E, M, H}, bot.OpActionStatus: {OW, M, H}, bot.OpInterview: {M, H},
		bot.OpInterviewOK: {E, M}, bot.OpInterviewRate: {E, M}, bot.OpPrepare: {E}, bot.OpReview: {M, H},
		bot.OpClose: {M, H}, bot.OpExtend: {M, H}, bot.OpCancel: {M, H}, bot.OpOutcomeHR: {C},
		bot.OpAdjustPropose: {E, M, H}, bot.OpAdjustManager: {M}, bot.OpAdjustHR: {H}, bot.OpAdjustReject: {M, H},
		bot.OpMentor: {M, H}, bot.OpNote: {M, H, T}, bot.OpTrack: {M, T}, bot.OpTrackRead: {M, T, H}, bot.OpAudit: {M, H}, bot.OpTeamVisible: {M, H},
		bot.OpAllPlans: {H}, bot.OpPromotions: {H}, bot.OpAuditOrg: {H}, bot.OpReports: {H}, bot.OpGrantHR: {HA},
		bot.OpBind: {TM, H}, bot.OpExport: {E, M, T, H}, bot.OpExportAll: {H},
	}
	for op, allowed := range want {
		for _, role := range []bot.Role{E, M, S, H, T, D, A, C, O, HA, TM, OW} {
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
