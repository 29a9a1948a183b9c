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
//	    schema                        uint32 big-endian: the schema version (3)
//	    schema_sum                    uint32 big-endian: CRC-32C of schema (from version 2)
//	settings/
//	    <name>                        string (portal URL, profile kind, last customer, …)
//	profiles/
//	    <portal> 0x00 <customer>/     one per login (Profile)
//	        accounts                  []domain.AccountSummary + when fetched
//	        documents/
//	            <account number>      CachedDocument: domain.AccountDocument + ETag, cursor, when fetched
//	        fetched/                  (from version 3)
//	            <account number>      time.Time: the document's FetchedAt, written in the same
//	                                  transaction, read without decoding the document
//	public/
//	    <portal>/
//	        <kind>                    raw JSON body (news, about, contacts, faq) + ETag, when fetched
//	outbox/                           bucket sequence: the last item ID handed out
//	    <id, uint64 big-endian>       OutboxItem (pending, attention or sent); a sent reading
//	                                  keeps the portal's answer (Response), written by MarkSent in
//	                                  the transaction that marks it sent: the reading's id,
//	                                  submitted_at and receipt, so its receipt shows offline
//
// Every value except those of meta is one format byte (2), JSON, and a
// CRC-32C (Castagnoli) of the byte and the JSON, big-endian. The checksum is
// checked on every read and, for every value of every bucket, by the check
// at start-up (Check, in a child process): a changed byte decodes more
// often than not — a flipped digit is still a number — and must not be
// sent to the portal as someone's reading. A damaged value is ErrCorrupt,
// which carries the code domain.CodeStoreDamaged and a Russian sentence;
// OpenChecked then sets the file aside and rebuilds it from the journal,
// exactly as for a file bbolt itself rejects. Schema 1 wrote format 1
// (the byte and JSON, no checksum); migration 2 seals those values.
//
// On a public computer the store lives in a folder of its own under the
// system's temporary folder (kabinet-<random>/: store.db, the journal,
// documents/ with printed PDFs, and a marker file written once the store
// holds its lock). SweepTemporary, run at every start, removes the folders
// that sessions killed or cut off by a power failure left, never one whose
// store a running Kabinet holds.
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
