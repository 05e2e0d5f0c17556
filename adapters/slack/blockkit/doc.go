// Package blockkit renders the engine's platform-neutral messages and forms
// as Slack Block Kit, and reads clicks and modal submissions back into
// engine actions. The values buttons and modals carry are defined here,
// once, for both directions.
//
// Messages (Render, Home): a title becomes a header; Text, Fields and
// Context become mrkdwn sections and context blocks; Progress becomes a
// text bar ("▓▓▓▓▓▓░░░░ 60%") with its detail on a context line; Buttons
// become actions blocks; Divider a divider. Slack has no card color: a
// progress bar's color shows as a colored circle, a message's is dropped.
//
// Text safety: every mrkdwn object is "verbatim", so Slack neither links
// bare URLs nor parses @channel, and &, < and > are escaped, so text from
// users can neither mention anyone (<!channel>, <@U1>) nor smuggle a link
// (<https://x|y>). The engine's **bold** becomes Slack's *bold*, with a
// zero-width space where a marker touches a letter (CJK text has no spaces).
// Slack mrkdwn has no escape for * _ ~ `, so those stay as typed.
//
// Forms: a Form block inside a message becomes an "open form" button (see
// FormValue): Slack forms live in modals, and a modal can only be opened
// with a click's trigger_id. When the engine answers a click with a form,
// the adapter opens Modal at once instead. In a modal:
//
//   - number inputs are plain_text_input with a hint, not number_input,
//     because people type "42万", "4.2k" or "8%", which the engine reads and
//     number_input refuses;
//   - datetime inputs are one datetimepicker; Slack speaks Unix seconds, so
//     Modal and ParseSubmission take the reader's time zone (the Slack
//     user's tz, which is also the zone the client shows the picker in) to
//     convert from and to the engine's "2006-01-02 15:04";
//   - user inputs are users_select; the engine's candidate Options cannot
//     restrict it and are dropped, the engine checks whoever is chosen.
//
// Values: a button's value is compact JSON {"a":action,"g":{args}}
// (ActionValue, ParseAction); a modal's private_metadata adds the channel
// and message to answer (MetadataValue, ParseMetadata); both are routing
// only, the engine authorises whoever clicked or submitted.
//
// Limits are kept by construction: texts are shortened with an ellipsis
// (counted in UTF-16 units, never fewer than Slack's characters), values
// and ids are measured in bytes, a message keeps at most 50 blocks and a
// view 100, dropping display blocks from the end (never buttons) with a
// note saying so.
package blockkit
