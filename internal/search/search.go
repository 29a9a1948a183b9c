// Package search is a small in-memory full-text search over the public
// content of the portal (news, questions and answers, offices, services).
//
// It is built for Russian: words are compared by their snowball stems, so
// «показание» finds «показаний» and «показаниями», ё and е are the same
// letter, case does not matter and common words («как», «по», «для») are
// ignored. A query matches a document when all its words occur in it; when
// no document has them all, documents with most of them are returned, so a
// long question typed as a sentence still finds something. The last word of
// a query also matches as a prefix, for people who stop typing half-way.
//
// The corpus is a few hundred to a few thousand documents, so the index is
// a plain map from term to postings, built once and then only read.
package search

import (
	"kabinet/internal/domain"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Document is one searchable piece of public content.
type Document struct {
	// Kind is the content type, e.g. "news", "faq", "office", "service".
	Kind  string
	ID    string
	Title string
	Text  string
}

// Hit is one search result.
type Hit struct {
	Document Document
	// Score orders hits; it is only meaningful relative to other hits of
	// the same query.
	Score float64
	// Snippet is a short, single-line excerpt of Document.Text around the
	// first matching word, with "…" where the text was cut; it is the start
	// of the text when only the title matched.
	Snippet string
}

// Index is an immutable search index. It is safe for concurrent use by any
// number of goroutines.
type Index struct {
	docs     []Document
	lens     []float64 // title+text terms per document
	avgLen   float64
	postings map[string][]posting
	vocab    []string // sorted keys of postings, for prefix lookups
	// stems memoises stemming of every word form in the corpus; snowball
	// is slow enough that re-stemming texts for snippets dominated the
	// cost of a search.
	stems map[string]string
}

type posting struct {
	doc         int32
	title, text int32 // term frequencies
}

// Ranking parameters. The title boost makes a title match outrank a passing
// mention in the text; the BM25-style saturation (k1) keeps a text that
// repeats a word ten times from burying one that names it in the title; a
// low b normalises by length only lightly, because the long documents here
// (office lists, tariff pages) are not less relevant for being long.
const (
	titleBoost   = 3.0
	prefixWeight = 0.5
	k1           = 1.2
	lengthNorm   = 0.3

	// maxQueryTerms bounds the work a single request can cause.
	maxQueryTerms = 32
	// minPrefixRunes keeps short stems such as «при» from expanding to
	// half the vocabulary.
	minPrefixRunes = 4
)

// NewIndex builds an index over docs. The documents are copied, so the
// caller may reuse the slice.
func NewIndex(docs []Document) *Index {
	ix := &Index{
		docs:     slices.Clone(docs),
		lens:     make([]float64, len(docs)),
		postings: make(map[string][]posting),
		stems:    make(map[string]string),
	}
	stem := func(folded string, kind wordKind) string {
		if s, ok := ix.stems[folded]; ok {
			return s
		}
		s := stemWord(folded, kind)
		ix.stems[folded] = s
		return s
	}
	var total float64
	for i, d := range ix.docs {
		counts := make(map[string]*posting)
		n := 0
		count := func(s string, title bool) {
			analyze(s, stem, func(_, term string, _, _ int) bool {
				p := counts[term]
				if p == nil {
					p = &posting{doc: int32(i)}
					counts[term] = p
				}
				if title {
					p.title++
				} else {
					p.text++
				}
				n++
				return true
			})
		}
		count(d.Title, true)
		count(d.Text, false)
		for term, p := range counts {
			ix.postings[term] = append(ix.postings[term], *p)
		}
		ix.lens[i] = float64(n)
		total += float64(n)
	}
	if len(docs) > 0 {
		ix.avgLen = total / float64(len(docs))
	}
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	ix.vocab = make([]string, 0, len(ix.postings))
	for term := range ix.postings {
		ix.vocab = append(ix.vocab, term)
	}
	slices.Sort(ix.vocab)
	return ix
}

// stem is the read-only counterpart of the memo NewIndex fills, safe for
// concurrent searches.
func (ix *Index) stem(folded string, kind wordKind) string {
	if s, ok := ix.stems[folded]; ok {
		return s
	}
	return stemWord(folded, kind)
}

// queryTerm is one distinct word of a query with the index terms it
// matches and how much each counts.
type queryTerm struct {
	stem   string
	folded string
	prefix bool
}

// parseQuery returns the distinct terms of a query. The last word is marked
// for prefix matching when it is long enough to be a meaningful prefix.
func parseQuery(q string) []queryTerm {
	var terms []queryTerm
	last := -1
	analyze(q, nil, func(folded, term string, _, _ int) bool {
		for i, t := range terms {
			if t.stem == term {
				last = i
				return true
			}
		}
		if len(terms) == maxQueryTerms {
			return false
		}
		terms = append(terms, queryTerm{stem: term, folded: folded})
		last = len(terms) - 1
		return true
	})
	if last >= 0 && !domain.IsDigits(terms[last].folded) && utf8.RuneCountInString(terms[last].folded) >= minPrefixRunes {
		terms[last].prefix = true
	}
	return terms
}

// expand lists the index terms a query term matches with their weights.
func (ix *Index) expand(t queryTerm) map[string]float64 {
	m := make(map[string]float64, 1)
	if _, ok := ix.postings[t.stem]; ok {
		m[t.stem] = 1
	}
	if !t.prefix {
		return m
	}
	// The prefix is the word as typed, not its stem: the stem of a complete
	// word is often a prefix of unrelated words («счетов» → «счет» →
	// «счетчик»), and a half-typed inflected word («показани») is already
	// found through its stem above.
	p := t.folded
	i, _ := slices.BinarySearch(ix.vocab, p)
	for ; i < len(ix.vocab) && strings.HasPrefix(ix.vocab[i], p); i++ {
		if _, ok := m[ix.vocab[i]]; !ok {
			m[ix.vocab[i]] = prefixWeight
		}
	}
	return m
}

// Search returns up to limit documents matching query, best first; limit
// <= 0 means no limit. An empty query, or one made of stop words only,
// returns nil.
func (ix *Index) Search(query string, limit int) []Hit {
	terms := parseQuery(query)
	if len(terms) == 0 || len(ix.docs) == 0 {
		return nil
	}
	n := len(ix.docs)
	scores := make([]float64, n)
	matched := make([]int, n)
	weighted := make([]float64, n)
	touched := make([]int32, 0, 64)
	snippetTerms := make(map[string]bool)

	for _, t := range terms {
		exp := ix.expand(t)
		touched = touched[:0]
		for term, w := range exp {
			snippetTerms[term] = true
			for _, p := range ix.postings[term] {
				if weighted[p.doc] == 0 {
					touched = append(touched, p.doc)
				}
				weighted[p.doc] += w * (titleBoost*float64(p.title) + float64(p.text))
			}
		}
		df := float64(len(touched))
		idf := math.Log(1 + (float64(n)-df+0.5)/(df+0.5))
		for _, d := range touched {
			tf := weighted[d]
			weighted[d] = 0
			norm := k1 * (1 - lengthNorm + lengthNorm*ix.lens[d]/ix.avgLen)
			scores[d] += idf * tf * (k1 + 1) / (tf + norm)
			matched[d]++
		}
	}

	var hits []int
	for d, m := range matched {
		if m == len(terms) {
			hits = append(hits, d)
		}
	}
	fallback := len(hits) == 0
	if fallback {
		for d, m := range matched {
			if m > 0 {
				hits = append(hits, d)
			}
		}
	}
	if len(hits) == 0 {
		return nil
	}
	slices.SortFunc(hits, func(a, b int) int {
		if fallback && matched[a] != matched[b] {
			return matched[b] - matched[a]
		}
		if scores[a] != scores[b] {
			if scores[a] > scores[b] {
				return -1
			}
			return 1
		}
		if c := strings.Compare(ix.docs[a].Kind, ix.docs[b].Kind); c != 0 {
			return c
		}
		if c := strings.Compare(ix.docs[a].ID, ix.docs[b].ID); c != 0 {
			return c
		}
		return a - b
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Hit, len(hits))
	for i, d := range hits {
		out[i] = Hit{
			Document: ix.docs[d],
			Score:    scores[d],
			Snippet:  snippet(ix.docs[d].Text, snippetTerms, ix.stem),
		}
	}
	return out
}
