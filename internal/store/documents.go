package store

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"kabinet/internal/domain"
)

// Profile names one login: a customer number on a portal. Each profile has
// its own cache, so two people on one computer never see each other's data.
type Profile struct {
	Portal   string `json:"portal"`
	Customer string `json:"customer"`
}

// key is the profile's bucket name. A URL and a customer number never
// contain a NUL byte, so the pair is unambiguous.
func (p Profile) key() ([]byte, error) {
	if p.Portal == "" && p.Customer == "" {
		return nil, errors.New("store: empty profile")
	}
	return []byte(p.Portal + "\x00" + p.Customer), nil
}

// CachedDocument is an account's document as last received, with what the
// next conditional or delta request needs.
type CachedDocument struct {
	Doc       domain.AccountDocument `json:"doc"`
	ETag      string                 `json:"etag,omitempty"`
	Cursor    string                 `json:"cursor,omitempty"`
	FetchedAt time.Time              `json:"fetched_at"` // when this data came from the portal
}

// errNoDocument is what ApplyDelta returns when there is nothing to merge
// into; the caller then fetches the whole document.
var errNoDocument = errors.New("store: no cached document to apply the delta to")

// SaveDocument replaces the account's cached document.
func (s *Store) SaveDocument(p Profile, account string, d CachedDocument) error {
	pk, err := p.key()
	if err != nil {
		return err
	}
	v, err := encodeValue(d)
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		docs, err := documentsBucketTx(tx, pk, true)
		if err != nil {
			return err
		}
		if err := docs.Put([]byte(account), v); err != nil {
			return err
		}
		return putFetchedTx(tx, pk, account, d.FetchedAt)
	})
	if err != nil {
		return fmt.Errorf("store: save document: %w", err)
	}
	return nil
}

// ApplyDelta merges a delta document into the cached one in one
// transaction, following domain.AccountDocument's rules: non-nil Account,
// Customer, Services, ContractValues and Subscriptions replace; readings,
// invoices and payments replace the items with the same ID or are added, in
// the order the server uses; Meters and Balance replace whole; Cursor and
// GeneratedAt come from the delta. FetchedAt becomes at and ETag etag. With
// no cached document it returns an error and the caller does a full fetch.
func (s *Store) ApplyDelta(p Profile, account string, delta *domain.AccountDocument, etag string, at time.Time) error {
	if delta == nil {
		return errors.New("store: apply delta: nil delta")
	}
	pk, err := p.key()
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		docs, err := documentsBucketTx(tx, pk, false)
		if err != nil {
			return err
		}
		var old []byte
		if docs != nil {
			old = docs.Get([]byte(account))
		}
		if old == nil {
			return errNoDocument
		}
		var cached CachedDocument
		if err := decodeValue(old, &cached); err != nil {
			return err
		}
		cached.Doc = mergeDocument(cached.Doc, delta)
		cached.Cursor = delta.Cursor
		cached.ETag = etag
		cached.FetchedAt = at
		v, err := encodeValue(cached)
		if err != nil {
			return err
		}
		if err := docs.Put([]byte(account), v); err != nil {
			return err
		}
		return putFetchedTx(tx, pk, account, at)
	})
	if err != nil {
		return fmt.Errorf("store: apply delta: %w", err)
	}
	return nil
}

// mergeDocument returns base with delta applied. base is a decoded copy, so
// it may be changed in place.
func mergeDocument(base domain.AccountDocument, delta *domain.AccountDocument) domain.AccountDocument {
	base.Delta = false // what is stored is always a whole document
	base.Cursor = delta.Cursor
	base.GeneratedAt = delta.GeneratedAt
	if delta.Account != nil {
		a := *delta.Account
		base.Account = &a
	}
	if delta.Customer != nil {
		c := *delta.Customer
		base.Customer = &c
	}
	if delta.Services != nil {
		base.Services = slices.Clone(delta.Services)
	}
	if delta.ContractValues != nil {
		c := *delta.ContractValues
		base.ContractValues = &c
	}
	if delta.Subscriptions != nil {
		sub := *delta.Subscriptions
		base.Subscriptions = &sub
	}
	base.Balance = delta.Balance
	base.Meters = slices.Clone(delta.Meters)

	base.Readings = upsert(base.Readings, delta.Readings, func(r domain.Reading) string { return r.ID })
	slices.SortStableFunc(base.Readings, func(a, b domain.Reading) int {
		return cmp.Or(a.TakenOn.Compare(b.TakenOn), compareIDs(a.ID, b.ID))
	})
	base.Invoices = upsert(base.Invoices, delta.Invoices, func(i domain.Invoice) string { return i.ID })
	slices.SortStableFunc(base.Invoices, func(a, b domain.Invoice) int {
		return comparePeriods(b.Period, a.Period)
	})
	base.Payments = upsert(base.Payments, delta.Payments, func(p domain.Payment) string { return p.ID })
	slices.SortStableFunc(base.Payments, func(a, b domain.Payment) int {
		return cmp.Or(b.PaidOn.Compare(a.PaidOn), compareIDs(b.ID, a.ID))
	})
	return base
}

// upsert replaces the items of list whose ID is in changes and appends the
// rest of changes.
func upsert[T any](list, changes []T, id func(T) string) []T {
	if len(changes) == 0 {
		return list
	}
	at := make(map[string]int, len(list))
	for i, item := range list {
		at[id(item)] = i
	}
	for _, c := range changes {
		if i, ok := at[id(c)]; ok {
			list[i] = c
			continue
		}
		at[id(c)] = len(list)
		list = append(list, c)
	}
	return list
}

// compareIDs orders IDs the way the portal's database does: they are
// integers written in decimal, so "9" comes before "10". Anything else falls
// back to comparing the strings.
func compareIDs(a, b string) int {
	if domain.IsDigits(a) && domain.IsDigits(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
	}
	return strings.Compare(a, b)
}

func comparePeriods(a, b domain.Period) int {
	return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Month, b.Month))
}

// Document returns the account's cached document; ok is false when none is
// stored.
func (s *Store) Document(p Profile, account string) (CachedDocument, bool, error) {
	pk, err := p.key()
	if err != nil {
		return CachedDocument{}, false, err
	}
	var d CachedDocument
	var ok bool
	err = s.db.View(func(tx *bolt.Tx) error {
		docs, err := documentsBucketTx(tx, pk, false)
		if docs == nil || err != nil {
			return err
		}
		v := docs.Get([]byte(account))
		if v == nil {
			return nil
		}
		ok = true
		return decodeValue(v, &d)
	})
	if err != nil {
		return CachedDocument{}, false, fmt.Errorf("store: document: %w", err)
	}
	return d, ok, nil
}

// FetchedAt returns when the account's stored document came from the
// portal, without decoding the document; ok is false when none is stored.
func (s *Store) FetchedAt(p Profile, account string) (time.Time, bool, error) {
	pk, err := p.key()
	if err != nil {
		return time.Time{}, false, err
	}
	var at time.Time
	var ok bool
	err = s.db.View(func(tx *bolt.Tx) error {
		b, err := profileBucketTx(tx, pk, false)
		if b == nil || err != nil {
			return err
		}
		fetched := b.Bucket(bucketFetched)
		if fetched == nil {
			return nil
		}
		v := fetched.Get([]byte(account))
		if v == nil {
			return nil
		}
		ok = true
		return decodeValue(v, &at)
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: fetched at: %w", err)
	}
	return at, ok, nil
}

// putFetchedTx records, in the caller's write transaction, when the
// account's document was fetched.
func putFetchedTx(tx *bolt.Tx, pk []byte, account string, at time.Time) error {
	b, err := profileBucketTx(tx, pk, true)
	if err != nil {
		return err
	}
	fetched, err := b.CreateBucketIfNotExists(bucketFetched)
	if err != nil {
		return err
	}
	v, err := encodeValue(at)
	if err != nil {
		return err
	}
	return fetched.Put([]byte(account), v)
}

// accountsRecord is the stored list of a profile's accounts.
type accountsRecord struct {
	Accounts  []domain.AccountSummary `json:"accounts"`
	FetchedAt time.Time               `json:"fetched_at"`
}

// SaveAccounts replaces the profile's list of accounts, fetched at at.
func (s *Store) SaveAccounts(p Profile, list []domain.AccountSummary, at time.Time) error {
	pk, err := p.key()
	if err != nil {
		return err
	}
	v, err := encodeValue(accountsRecord{Accounts: list, FetchedAt: at})
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := profileBucketTx(tx, pk, true)
		if err != nil {
			return err
		}
		return b.Put(keyAccounts, v)
	})
	if err != nil {
		return fmt.Errorf("store: save accounts: %w", err)
	}
	return nil
}

// Accounts returns the profile's list of accounts and when it was fetched;
// ok is false when none is stored.
func (s *Store) Accounts(p Profile) ([]domain.AccountSummary, time.Time, bool, error) {
	pk, err := p.key()
	if err != nil {
		return nil, time.Time{}, false, err
	}
	var rec accountsRecord
	var ok bool
	err = s.db.View(func(tx *bolt.Tx) error {
		b, err := profileBucketTx(tx, pk, false)
		if b == nil || err != nil {
			return err
		}
		v := b.Get(keyAccounts)
		if v == nil {
			return nil
		}
		ok = true
		return decodeValue(v, &rec)
	})
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("store: accounts: %w", err)
	}
	return rec.Accounts, rec.FetchedAt, ok, nil
}

// publicRecord is a stored public page. The body is kept as bytes (base64
// in JSON) rather than embedded, so a body that is not valid JSON cannot
// make the write fail.
type publicRecord struct {
	Body      []byte    `json:"body"`
	ETag      string    `json:"etag,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
}

// SavePublic replaces the portal's public content of one kind (news, about,
// contacts, faq), kept as the raw JSON body the portal sent.
func (s *Store) SavePublic(portal, kind string, body []byte, etag string, at time.Time) error {
	if portal == "" || kind == "" {
		return errors.New("store: save public: empty portal or kind")
	}
	v, err := encodeValue(publicRecord{Body: body, ETag: etag, FetchedAt: at})
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		root, err := tx.CreateBucketIfNotExists(bucketPublic)
		if err != nil {
			return err
		}
		b, err := root.CreateBucketIfNotExists([]byte(portal))
		if err != nil {
			return err
		}
		return b.Put([]byte(kind), v)
	})
	if err != nil {
		return fmt.Errorf("store: save public: %w", err)
	}
	return nil
}

// Public returns the portal's public content of one kind; ok is false when
// none is stored.
func (s *Store) Public(portal, kind string) (body []byte, etag string, at time.Time, ok bool, err error) {
	var rec publicRecord
	err = s.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketPublic)
		if root == nil || portal == "" || kind == "" {
			return nil
		}
		b := root.Bucket([]byte(portal))
		if b == nil {
			return nil
		}
		v := b.Get([]byte(kind))
		if v == nil {
			return nil
		}
		ok = true
		return decodeValue(v, &rec)
	})
	if err != nil {
		return nil, "", time.Time{}, false, fmt.Errorf("store: public: %w", err)
	}
	return rec.Body, rec.ETag, rec.FetchedAt, ok, nil
}

// profileBucketTx returns the profile's bucket in the caller's transaction,
// creating it when create is set; without create a missing bucket is nil.
func profileBucketTx(tx *bolt.Tx, pk []byte, create bool) (*bolt.Bucket, error) {
	if !create {
		root := tx.Bucket(bucketProfiles)
		if root == nil {
			return nil, nil
		}
		return root.Bucket(pk), nil
	}
	root, err := tx.CreateBucketIfNotExists(bucketProfiles)
	if err != nil {
		return nil, err
	}
	return root.CreateBucketIfNotExists(pk)
}

// documentsBucketTx returns the profile's documents bucket in the caller's
// transaction, like profileBucketTx.
func documentsBucketTx(tx *bolt.Tx, pk []byte, create bool) (*bolt.Bucket, error) {
	b, err := profileBucketTx(tx, pk, create)
	if b == nil || err != nil {
		return nil, err
	}
	if !create {
		return b.Bucket(bucketDocuments), nil
	}
	return b.CreateBucketIfNotExists(bucketDocuments)
}
