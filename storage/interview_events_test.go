package storage

import (
	"errors"
	"testing"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestInterviewCalendar checks, on every database, what the calendar of
// interviews keeps: the invitation's version on the interview, and the
// platform event made for it, per tenant.
func TestInterviewCalendar(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openTestDB(t, dsn)
		t.Run("CalendarSeq", func(t *testing.T) { testCalendarSeq(t, db) })
		t.Run("Events", func(t *testing.T) { testInterviewEvents(t, db) })
	})
}

func testCalendarSeq(t *testing.T, db *DB) {
	ctx := t.Context()
	p := mustCreate(t, db, newPlan("t-calseq", "e", "m"))
	iv := bot.Interview{Tenant: p.Tenant, PlanID: p.ID, At: at(20, 15), Minutes: 50, Status: bot.InterviewBooked, BookedBy: "m"}
	if err := db.SaveInterview(ctx, &iv); err != nil {
		t.Fatal(err)
	}
	for _, seq := range []int{1, 2} {
		iv.CalendarSeq = seq
		if err := db.SaveInterview(ctx, &iv); err != nil {
			t.Fatal(err)
		}
		got, err := db.Interviews(ctx, p.Tenant, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].CalendarSeq != seq {
			t.Fatalf("after saving version %d: %+v", seq, got)
		}
	}
}

func testInterviewEvents(t *testing.T, db *DB) {
	ctx := t.Context()
	const tenant, other = "lark:t-events", "lark:t-events-other"
	if _, _, _, err := db.InterviewEvent(ctx, tenant, 7); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("unknown interview: %v, want ErrNotFound", err)
	}
	if err := db.SaveInterviewEvent(ctx, tenant, 7, "cal_a", "ev_1", -1); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveInterviewEvent(ctx, other, 7, "cal_b", "ev_other", 0); err != nil {
		t.Fatal(err)
	}
	if _, _, seq, err := db.InterviewEvent(ctx, tenant, 7); err != nil || seq != -1 {
		t.Fatalf("version %d, %v; want -1", seq, err)
	}
	if err := db.SaveInterviewEvent(ctx, tenant, 7, "cal_a", "ev_2", 3); err != nil {
		t.Fatalf("replace: %v", err)
	}
	cal, ev, seq, err := db.InterviewEvent(ctx, tenant, 7)
	if err != nil || cal != "cal_a" || ev != "ev_2" || seq != 3 {
		t.Fatalf("InterviewEvent = %q, %q, %d, %v; want cal_a, ev_2, 3", cal, ev, seq, err)
	}
	if err := db.DeleteInterviewEvent(ctx, tenant, 7); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteInterviewEvent(ctx, tenant, 7); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if _, _, _, err := db.InterviewEvent(ctx, tenant, 7); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("after delete: %v, want ErrNotFound", err)
	}
	if _, ev, _, err := db.InterviewEvent(ctx, other, 7); err != nil || ev != "ev_other" {
		t.Fatalf("the other tenant's event: %q, %v", ev, err)
	}
}
