// Package reminders tells customers, whose program may be closed, that the
// reading window is open, and echoes each accepted reading's receipt — by
// e-mail and by SMS, as each account is subscribed (issue #15).
//
// # Jobs
//
// Every message is a job in the portal database (portaldb's reminder_jobs):
//
//   - a window reminder is planned by the Runner on the window's first day
//     (slot «opens», 18th) and two days before it closes (slot «closes»,
//     23rd), due at 09:00, once per account, period, slot and channel — for
//     accounts with a meter still wanting the month's reading. The current
//     slot is planned again each hour and on the window's later days, for
//     whoever subscribed since or was missed while the portal was down. The
//     unique index makes two runners on one database, or a restart, plan it
//     once;
//   - a receipt echo is queued by the transaction that accepts the reading.
//
// The Runner claims due jobs with a lease and checks each again as it sends
// it: a reading accepted since the job was made, an unsubscription or a
// removed address cancel it; so does the window's end, and a later slot
// replaces an earlier one not yet sent.
//
// # Delivery
//
// E-mail is at least once: the letter goes through the mailer's Sender with
// a Message-ID made from the job, so a letter sent again after a crash is
// the same letter. SMS is at most once: the job is marked sent (and counted
// in sms_log under its purpose) before the gateway call; a crash in between
// loses that one message rather than sending two. No SMS goes between 21:00
// and 09:00 Moscow time: a due SMS waits for the morning, while its window
// is open. Each SMS purpose has its own budget: one window reminder per
// customer and slot, a few receipts a day.
//
// No message carries an amount or an account number.
package reminders
