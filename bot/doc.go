// Package bot is pipbot's plan engine: the domain of a performance-improvement
// plan (绩效改进计划), its lifecycle, who may do what, the chat commands in
// Chinese and English, and the platform-neutral messages the engine answers
// with. It knows no chat platform, database or Redis: adapters translate
// platform events into Commands and render Replies, and storage implements
// the ports declared in ports.go.
package bot
