// Package mailer e-mails bills: when an invoice is issued for an account
// subscribed to e-mailed bills, the portal database queues a mail job in
// the same transaction (portaldb's IssueInvoice), and a Runner delivers the
// job — a short Russian letter with the bill's PDF (and its payment QR
// code) attached — through an SMTP server.
//
// # The job's life
//
//	pending ──claim (lease)──▶ sending ──250 OK──▶ sent
//	   ▲                          │
//	   └── 4xx, network, lease ◀──┤
//	       expired (backoff)      └──5xx to the message, or the last attempt──▶ failed
//
// A Runner claims the jobs that are due, each with a lease (two minutes by
// default): while the lease runs no other Runner — in this process or
// another one on the same database — claims the job. It renders the PDF
// from the account document as the database has it now, sends the letter,
// and marks the job sent. A failure the server calls temporary (4xx), or
// a network error, makes the job due again after an exponential backoff
// with jitter (1 min, 2, 4 … at most 1 h); a refusal of this very message
// (5xx to RCPT TO or to the message data, such as 550 for an unknown
// mailbox) or the last of MaxAttempts attempts ends the job as failed. A
// server that cannot be reached, or refuses the connection, the TLS
// handshake, the login or the sender, fails every letter alike: the
// letter is not at fault, so the job is retried after the backoff without
// ever being given up on, and the Runner claims nothing more until a pause
// (the same backoff, counted in the server's failures in a row) has passed.
//
// # Delivery guarantee
//
// At least once, never after "sent". A job marked sent is never claimed
// again, by this Runner or by a new one after a restart. The one window for
// a duplicate is a crash (or a lost database write) after the SMTP server
// accepted the letter and before the job was marked sent: the lease then
// expires and the letter goes again. Every letter of a job carries the
// same Message-ID, made of the invoice id, the job id and the database's
// instance, so the duplicate can be recognised — by the recipient's mail
// service, which may drop it, and by whoever reads the SMTP server's logs.
//
// The log never holds an e-mail address: failures name the job id, the
// SMTP reply code and the stage of the dialogue.
package mailer
