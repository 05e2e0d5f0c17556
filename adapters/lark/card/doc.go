// Package card renders the engine's platform-neutral messages as Feishu
// card JSON 2.0 and reads card callbacks back into engine actions. The value
// a button carries is defined here, once, for both directions.
package card
