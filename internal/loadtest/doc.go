// Package loadtest replays the reading window of a supplier with many
// accounts against the real portal server, over HTTP on 127.0.0.1, on
// either database backend, and checks afterwards that no acknowledged
// reading was lost or stored twice.
//
// A run has three phases:
//
//   - Prepare: open the database (a fresh PostgreSQL schema or SQLite file
//     with Fresh), seed the load population if it is missing (portaldb.LoadSeed
//     in batches, one argon2id hash shared by every customer), undo what an
//     earlier run added (its readings, idempotency records and logins), and
//     give every customer a session as if the desktop app had kept its
//     login from yesterday.
//   - Replay: workers visit customers in a random order. A visit fetches the
//     account document with the ETag and cursor the app kept (mostly 304;
//     customers without a stored document get a 200), then submits a reading
//     above the last one with an Idempotency-Key, and now and then sends the
//     same submission again, as an app does when the answer was lost. Beside
//     them a stream of real logins (argon2id) runs at a fixed rate.
//   - Check: count the readings the run stored and compare them with the
//     201 answers; replays must have returned the stored answer byte for byte.
//
// The load customers are numbered from 7000000 (customer) and 7700000000
// (account); a database holding any other customer is refused, so a run
// never touches real or demo data.
package loadtest
