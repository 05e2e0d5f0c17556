// Package slack connects pipbot to Slack: the Events API, the /pip slash
// command, interactivity (buttons and modals) over HTTP or Socket Mode,
// Block Kit replies, the App Home tab, pacing within Slack's rate limits,
// and user profiles.
//
// Every HTTP request's signature is verified before anything is parsed,
// each event is recorded durably in the inbox before it is acknowledged,
// and a redelivery has no second effect. The inbox, the worker pool and the
// inline path of commands, clicks and submissions are adapters/inbound's,
// rate pacing is adapters/pace's and the profile cache adapters/directory's;
// this package keeps what is Slack's: verification, parsing, dedupe keys,
// Block Kit, modals and sending. Its own ports (ports.go) are the Redis
// markers the Sender needs. It knows Slack and the bot package, nothing
// else of pipbot.
package slack
