package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
)

// fanOut is parts (b) and (c): 5,000 plans ending the day after tomorrow
// make 5,000 due evaluation reminders (plan_ending, one to each
// employee), which the running schedulers send; when a share of them has
// been sent, one replica is killed with SIGKILL.
func (r *replicaRig) fanOut() {
	t := r.t
	ctx := context.Background()
	var larkTo, slackTo []string
	for i := range replicaLarkDue {
		larkTo = append(larkTo, r.larkUser("b", i))
	}
	for i := range replicaSlackDue {
		slackTo = append(slackTo, r.slackUser("b", i))
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	end := today.AddDate(0, 0, 2) // its notice day, 3 working days before, is past
	r.seedPlans(r.larkTenant(), larkTo, end)
	r.seedPlans(r.slackTenant(), slackTo, end)
	dms := r.openSlackDMs(slackTo)
	userOfDM := map[string]string{}
	for u, d := range dms {
		userOfDM[d] = u
	}
	isLarkTo := map[string]bool{}
	for _, u := range larkTo {
		isLarkTo[u] = true
	}
	sent := func() (perUser map[string]int, slackKeys map[string]int) {
		perUser, slackKeys = map[string]int{}, map[string]int{}
		for _, m := range r.lark.Messages() {
			if isLarkTo[m.ReceiveID] {
				perUser[m.ReceiveID]++
			}
		}
		for _, m := range r.slack.Messages() {
			if u, ok := userOfDM[m.Channel]; ok {
				perUser[u]++
				if m.Metadata != nil {
					slackKeys[fmt.Sprint(m.Metadata.EventPayload["key"])]++
				}
			}
		}
		return perUser, slackKeys
	}
	count := func(m map[string]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}

	// The schedulers see the rows as the planner writes them.
	sched, err := r.app.newSchedule(time.Now)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := sched.planner.Plan(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	planned := time.Since(start)
	var due []bot.Reminder
	for _, tenant := range []string{r.larkTenant(), r.slackTenant()} {
		rs, err := r.app.db.ListReminders(ctx, tenant, scheduler.ReminderFilter{Kind: bot.RemindEnding})
		if err != nil {
			t.Fatal(err)
		}
		due = append(due, rs...)
	}
	if want := replicaLarkDue + replicaSlackDue; len(due) != want {
		t.Fatalf("%d plan_ending reminders planned, want %d", len(due), want)
	}
	for _, rm := range due {
		if rm.DueAt.After(time.Now()) {
			t.Fatalf("reminder %d to %s is due at %v, not yet", rm.ID, rm.Recipient, rm.DueAt)
		}
	}
	want := len(due)

	victim := r.procs[1]
	host, _ := os.Hostname()
	owner := fmt.Sprintf("%s-%d", host, victim.cmd.Process.Pid)
	heldBy := fmt.Sprintf("FROM reminders WHERE status = 'pending' AND lease_owner = '%s'", owner)
	var killedAt time.Time
	var sentAtKill, heldAtKill int
	deliveredUnmarked := map[string]int{} // by platform
	deadline := time.Now().Add(3 * time.Minute)
	for {
		perUser, _ := sent()
		n := count(perUser)
		// The kill comes once a share is sent, at a moment the victim
		// holds a batch in flight (or, failing that, at twice the share).
		if killedAt.IsZero() && n >= int(replicaKillAt*float64(want)) &&
			(r.count("SELECT count(*) "+heldBy) >= 10 || n >= int(2*replicaKillAt*float64(want))) {
			victim.kill()
			killedAt = time.Now()
			sentAtKill = n
			// What it held: rows claimed and not marked, some of them
			// delivered already (the resend must not show twice).
			after, _ := sent()
			held := r.strings("SELECT recipient " + heldBy)
			heldAtKill = len(held)
			for _, u := range held {
				if after[u] > 0 && isLarkTo[u] {
					deliveredUnmarked[bot.PlatformLark]++
				} else if after[u] > 0 {
					deliveredUnmarked[bot.PlatformSlack]++
				}
			}
		}
		pending := r.count("SELECT count(*) FROM reminders WHERE kind = 'plan_ending' AND status = 'pending'")
		if !killedAt.IsZero() && pending == 0 && n >= want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 3 minutes: %d of %d reminders sent, %d still pending (killed: %v)", n, want, pending, !killedAt.IsZero())
		}
		time.Sleep(50 * time.Millisecond)
	}
	done := time.Now()
	time.Sleep(time.Second)

	perUser, slackKeys := sent()
	status := map[bot.ReminderStatus]int{}
	var lost, doubled, doubledSlack, retried int
	for _, tenant := range []string{r.larkTenant(), r.slackTenant()} {
		rs, err := r.app.db.ListReminders(ctx, tenant, scheduler.ReminderFilter{Kind: bot.RemindEnding})
		if err != nil {
			t.Fatal(err)
		}
		for _, rm := range rs {
			status[rm.Status]++
			if rm.Attempts > 1 {
				retried++
			}
			switch n := perUser[rm.Recipient]; {
			case rm.Status != bot.ReminderSent || n == 0:
				lost++
			case n > 1:
				doubled += n - 1
				if rm.Platform == bot.PlatformSlack {
					doubledSlack += n - 1
				}
			}
		}
	}
	slackDupKeys := 0
	for _, n := range slackKeys {
		slackDupKeys += max(0, n-1)
	}
	t.Logf("%d due reminders (%d Feishu, %d Slack; planned in process in %v while the schedulers sent), sent by %d schedulers: %d messages at the fakes in %v",
		want, replicaLarkDue, replicaSlackDue, planned.Round(time.Millisecond), replicaProcs, count(perUser), done.Sub(start).Round(time.Millisecond))
	t.Logf("SIGKILL of %s after %d sent, holding %d claimed rows (delivered, not yet marked: %d Feishu, %d Slack); the other two finished %v after the kill (leases of %v); %d rows sent on a later attempt",
		victim.name, sentAtKill, heldAtKill, deliveredUnmarked[bot.PlatformLark], deliveredUnmarked[bot.PlatformSlack], done.Sub(killedAt).Round(time.Millisecond), replicaLease, retried)
	t.Logf("rows: %d sent, %d pending, %d missed, %d cancelled; lost %d, duplicated %d (Slack %d, Slack metadata keys posted twice %d); 429s: Feishu %d, Slack %d",
		status[bot.ReminderSent], status[bot.ReminderPending], status[bot.ReminderMissed], status[bot.ReminderCancelled],
		lost, doubled, doubledSlack, slackDupKeys, r.lark.Count429(), r.slack.Count429())
	if lost != 0 || status[bot.ReminderSent] != want || count(perUser) != want {
		t.Errorf("lost %d of %d reminders (%d rows sent, %d messages)", lost, want, status[bot.ReminderSent], count(perUser))
	}
	if doubled-doubledSlack != 0 {
		t.Errorf("%d Feishu reminders doubled, want 0 (uuid)", doubled-doubledSlack)
	}
	// Slack has no idempotency key: a row sent again searches the DM's
	// history first, and a post still in flight then is the residual
	// window (adapters/slack/post.go). Only a row sent on a later attempt
	// can fall into it; a doubled first attempt is a bug.
	if doubledSlack > retried {
		t.Errorf("%d Slack reminders doubled, more than the %d rows sent on a later attempt", doubledSlack, retried)
	} else if doubledSlack > 0 {
		t.Logf("Slack's residual window: %d of %d rows sent again were doubled", doubledSlack, retried)
	}
	if n := r.lark.Count429() + r.slack.Count429(); n != 0 {
		t.Errorf("%d 429s from the fakes, want 0", n)
	}
	r.logErrors("fan-out")
	if heldAtKill == 0 {
		t.Logf("the killed replica held no claimed row at the kill; the takeover was not exercised this run")
	}
}
