// Package inbound is the inbound pipeline both chat adapters share: the
// durable inbox an event is recorded in before the platform is
// acknowledged, the worker pool that claims recorded events, runs the
// engine and delivers its replies, the inline path of requests the platform
// waits on (Feishu card callbacks, Slack slash commands, clicks and modal
// submissions), and the purge of handled events.
//
// An adapter keeps what is platform-specific: it verifies and parses a
// request, builds its dedupe keys, translates a recorded payload into the
// engine's command (Platform.Translate), and renders and sends replies
// (Platform.Deliver). Everything between belongs here, written once.
//
// The package imports no platform SDK and no storage: its ports are
// declared here and implemented by storage (Inbox, Purger) and the engine.
package inbound
