// Package store is the app's local store: one bbolt file per OS user under
// os.UserCacheDir()/kabinet (or a throw-away file on a public computer), kept
// so that a person can read their bills and enter readings without a network.
//
// The cache (documents, account lists, public pages) can always be fetched
// again; the outbox — readings and questions the portal has not received yet —
// cannot. That is why the outbox is also written, line by line, to a journal
// file beside the database: when the database fails its check at start-up
// (OpenChecked), the damaged file is renamed aside and the unsent items come
// back from the journal with their original idempotency keys, so the portal
// never records a reading twice.
//
// The bucket tree:
//
//	meta/
//	    schema                        uint32 big-endian: the schema version (1)
//	settings/
//	    <name>                        string (portal URL, profile kind, last customer, …)
//	profiles/
//	    <portal> 0x00 <customer>/     one per login (Profile)
//	        accounts                  []domain.AccountSummary + when fetched
//	        documents/
//	            <account number>      CachedDocument: domain.AccountDocument + ETag, cursor, when fetched
//	public/
//	    <portal>/
//	        <kind>                    raw JSON body (news, about, contacts, faq) + ETag, when fetched
//	outbox/                           bucket sequence: the last item ID handed out
//	    <id, uint64 big-endian>       OutboxItem (pending, attention or sent)
//
// Every value except meta/schema is one version byte (1) followed by JSON,
// so that a later migration can tell old values from new ones.
//
// The journal (<file>.journal, 0600) holds one JSON object a line:
//
//	{"v":1,"op":"queued","item":{…}}   after Enqueue commits; after Correct commits
//	                                   (new values and key); after ClaimForSending
//	                                   commits, with "dispatched":true
//	{"v":1,"op":"done","id":7}         after MarkSent commits, before Resolve,
//	                                   Withdraw or Correct commits
//
// A later line for an ID replaces an earlier one (outbox_change.go).
//
// It is truncated whenever no item is left unsent, so it stays small.
//
// Rules kept throughout: every write is one bbolt Update with nothing but
// bbolt inside it; values are decoded inside the transaction into fresh Go
// values, so nothing returned points into the memory map; a damaged value
// gives an error wrapping ErrCorrupt, never a panic.
package store
