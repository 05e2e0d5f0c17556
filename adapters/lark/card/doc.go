// Package card renders the engine's platform-neutral messages as Feishu
// card JSON 2.0 and reads card callbacks back into engine actions. The value
// a button carries is defined here, once, for both directions.
//
// Render maps each block to 2.0 components: Text, Context and labels to
// "markdown" with everything but the engine's **bold** escaped; Fields to
// two-column "column_set" rows; Progress to a colored text bar, plus one
// horizontal "chart" per run of two or more goals; Chart (a goal's weekly
// trend) to a line "chart" (chart.go); Buttons to "button"s in a
// wrapping column_set; a Form to a root "form" whose inputs are "input"
// (text, multi-line, number), "date_picker", "picker_datetime",
// "select_static" and "select_person"; Divider to "hr". JSON 2.0 rejects
// unknown attributes, so the tests hold every element to the attributes its
// component page lists.
//
// Cards are shared (update_multi), forwarded copies never take clicks, and
// private plan cards cannot be forwarded at all.
package card
