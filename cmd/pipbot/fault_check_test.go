package main

// noApology checks that neither the click's answer nor any message since
// sent says that something went wrong: the event is to succeed later.
func (r *faultRig) noApology(resp map[string]any, sent int) {
	r.t.Helper()
	if resp != nil {
		if kind, text := toastOf(resp); kind == "error" || apologetic(text) {
			r.t.Errorf("the click was answered with a %s toast %q", kind, text)
		}
	}
	for _, m := range r.plat.messages()[sent:] {
		if apologetic(m.shown) {
			r.t.Errorf("%s was told %s", m.to, m.shown)
		}
	}
}

// answeredOnce checks the messages since sent, per person, against
// ev.replies (as the fake counts them: after its own de-duplication), and
// that the actor was answered once: by message, or by the clicked card
// replaced (in the callback's answer or later; replaced again by the same
// card, it shows nothing new). Whatever the fault, everyone hears what
// they would have heard without it: a crash between the change and the
// record of its replies leaves neither (they commit together), so the
// event runs again in full.
func (r *faultRig) answeredOnce(ev faultEvent, resp map[string]any, sent int) {
	r.t.Helper()
	got := map[string]int{}
	for _, m := range r.plat.messages()[sent:] {
		got[m.to]++
	}
	for who, n := range got {
		if want := ev.replies[who]; who != ev.actor && n != want {
			r.t.Errorf("%s got %d messages, want %d", who, n, want)
		}
	}
	for who, want := range ev.replies {
		if who != ev.actor && got[who] == 0 && want > 0 {
			r.t.Errorf("%s got no message, want %d", who, want)
		}
	}
	want, replaced := ev.replies[ev.actor], 0
	if ev.replaced != nil {
		want++ // the decision shown on the clicked card
		cards := ev.replaced(resp)
		for _, c := range cards[min(1, len(cards)):] {
			if c != cards[0] {
				r.t.Errorf("the clicked card was replaced by another card again:\n%s\n%s", cards[0], c)
			}
		}
		replaced = min(len(cards), 1)
	}
	if n := got[ev.actor] + replaced; n != want {
		r.t.Errorf("%s was answered %d times (%d messages, card replaced: %d), want %d", ev.actor, n, got[ev.actor], replaced, want)
	}
	if r.t.Failed() {
		for _, m := range r.plat.messages()[sent:] {
			r.t.Logf("sent to %s: %.300s", m.to, m.shown)
		}
	}
}
