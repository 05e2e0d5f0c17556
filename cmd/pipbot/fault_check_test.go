package main

import (
	"maps"
	"slices"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
)

// noApology checks that neither the click's answer nor any message since
// sent says that something went wrong: the event is to succeed later.
func (r *faultRig) noApology(resp map[string]any, sent int) {
	r.t.Helper()
	if resp != nil {
		if kind, text := toastOf(resp); kind == "error" || apologetic(text) {
			r.t.Errorf("the click was answered with a %s toast %q", kind, text)
		}
	}
	for _, m := range r.fake.Messages()[sent:] {
		if apologetic(content(m)) {
			r.t.Errorf("%s was told %s", recipient(m), content(m))
		}
	}
}

// answeredOnce checks the messages since sent, per person, against
// ev.replies (as the fake counts them: one per uuid), and that the actor
// was answered once: by message, or by the clicked card replaced (in the
// callback's answer or later; a replacement by the same card again shows
// nothing new). replayed is the window between the commit and the record
// of its replies: the event is replayed from the record that it took
// effect alone, so its actor hears only that it was done, and the others'
// notices of it are lost, never doubled.
func (r *faultRig) answeredOnce(ev faultEvent, resp map[string]any, sent int, replayed bool) {
	r.t.Helper()
	got := map[string]int{}
	for _, m := range r.fake.Messages()[sent:] {
		got[recipient(m)]++
	}
	people := slices.Sorted(maps.Keys(got))
	for who := range ev.replies {
		if got[who] == 0 {
			people = append(people, who)
		}
	}
	for _, who := range people {
		n, want := got[who], ev.replies[who]
		if who == ev.actor {
			continue
		}
		if n > want || !replayed && n != want {
			r.t.Errorf("%s got %d messages, want %d", who, n, want)
		}
	}
	cards := r.replacements(ev, resp)
	replaced := min(len(cards), 1)
	for _, c := range cards[min(1, len(cards)):] {
		if content(c) != content(cards[0]) {
			r.t.Errorf("the clicked card was replaced by another card again:\n%s\n%s", content(cards[0]), content(c))
		}
	}
	want := ev.replies[ev.actor]
	if ev.card != "" {
		want++ // the decision shown on the clicked card
	}
	if replayed {
		want = 1
	}
	if n := got[ev.actor] + replaced; n != want {
		r.t.Errorf("%s was answered %d times (%d messages, card replaced %d times), want %d",
			ev.actor, n, got[ev.actor], len(cards), want)
	}
}

// replacements are the cards that replaced the clicked one, in order: the
// callback's answer, then the delayed updates and patches.
func (r *faultRig) replacements(ev faultEvent, resp map[string]any) []larktest.Message {
	if ev.card == "" {
		return nil
	}
	var cards []larktest.Message
	if c := answerCard(resp); c != nil {
		cards = append(cards, larktest.Message{Card: c})
	}
	for _, u := range r.fake.CardUpdates() {
		if u.MessageID == ev.card {
			cards = append(cards, larktest.Message{Card: u.Card})
		}
	}
	for _, p := range r.fake.Patches() {
		if p.MessageID == ev.card {
			cards = append(cards, larktest.Message{Card: p.Card})
		}
	}
	return cards
}
