// Package slack connects pipbot to Slack: the Events API, the /pip slash
// command, interactivity (buttons and modals) over HTTP or Socket Mode,
// Block Kit replies, the App Home tab, pacing within Slack's rate limits,
// and user profiles.
//
// Every HTTP request's signature is verified before anything is parsed,
// each event is recorded durably in the inbox before it is acknowledged,
// and a redelivery has no second effect. The adapter knows Slack and the
// bot package, nothing else of pipbot: its storage needs are the small
// ports in ports.go.
package slack
