// Package lark connects pipbot to Feishu (飞书) and Lark: webhook and
// long-connection events, card callbacks, card JSON 2.0 replies, sending
// within the platform's rate limits, and the contact directory.
//
// Every inbound request is verified (signature, timestamp window, token)
// before anything is parsed into the engine, recorded durably in the inbox
// before it is acknowledged, and handled once. The adapter knows Feishu and
// the bot package, nothing else of pipbot: its storage needs are the small
// ports in ports.go.
package lark
