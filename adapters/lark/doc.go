// Package lark connects pipbot to Feishu (飞书) and Lark: webhook and
// long-connection events, card callbacks, card JSON 2.0 replies, sending
// within the platform's rate limits, and the contact directory.
//
// Every inbound request is verified (signature, timestamp window, token)
// before anything is parsed into the engine, recorded durably in the inbox
// before it is acknowledged, and handled once. The inbox, the worker pool and
// the inline path of card callbacks are adapters/inbound's, rate pacing is
// adapters/pace's and the profile cache adapters/directory's; this package
// keeps what is Feishu's: verification, parsing, dedupe keys, cards and
// sending. It knows Feishu and the bot package, nothing else of pipbot.
package lark
