package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// wordKind tells how a normalised word is turned into a term.
type wordKind uint8

const (
	kindDigits wordKind = iota
	kindCyrillic
	kindLatin
	kindOther
)

// analyze splits s into words and calls emit for every word that is not a
// stop word, with the folded word (lower case, ё→е), its term (the stem)
// and its byte span in s. It stops early when emit returns false, so a
// pasted novel in the search box costs no more than the terms we keep.
//
// stem may be nil; it lets NewIndex memoise stemming over a whole corpus.
func analyze(s string, stem func(folded string, kind wordKind) string, emit func(folded, term string, start, end int) bool) {
	if stem == nil {
		stem = stemWord
	}
	var (
		buf        []rune
		inDigits   bool
		start, end int
	)
	flush := func() bool {
		if len(buf) == 0 {
			return true
		}
		folded, kind := foldWord(buf)
		buf = buf[:0]
		if kind == kindCyrillic && isStopWord(folded) {
			return true
		}
		return emit(folded, stem(folded, kind), start, end)
	}
	for i, r := range s {
		size := utf8.RuneLen(r)
		switch {
		case isInvisibleJoiner(r):
			// Soft hyphens and zero-width joiners come from word
			// processors and must not split «элек\u00adтро».
			if len(buf) > 0 {
				end = i + size
			}
		case unicode.Is(unicode.Mn, r):
			if len(buf) > 0 && !inDigits {
				last := &buf[len(buf)-1]
				// Decomposed й (и + breve) must become й, not и; a
				// decomposed ё is already folded by dropping its
				// diaeresis; stress marks (´), common in texts for
				// learners and the elderly, are simply dropped.
				if r == '\u0306' && *last == 'и' {
					*last = 'й'
				}
				end = i + size
			}
		case unicode.IsLetter(r):
			if inDigits && !flush() {
				return
			}
			if len(buf) == 0 {
				start = i
			}
			inDigits = false
			buf = append(buf, foldRune(unicode.ToLower(r)))
			end = i + size
		case unicode.IsDigit(r):
			// Splitting «220В» or «2026г» lets a query for «220» or
			// «2026» find them.
			if !inDigits && !flush() {
				return
			}
			if len(buf) == 0 {
				start = i
			}
			inDigits = true
			buf = append(buf, r)
			end = i + size
		default:
			if !flush() {
				return
			}
		}
	}
	flush()
}

func foldRune(r rune) rune {
	if r == 'ё' {
		return 'е'
	}
	return r
}

func isInvisibleJoiner(r rune) bool {
	switch r {
	case '\u00ad', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return false
}

// latinLookalikes maps Latin letters that look like Cyrillic ones (after
// lower-casing). Texts typed with a switched keyboard layout or pasted from
// old documents mix them into Russian words («Cчёт» with a Latin C), and
// such a word would otherwise never be found.
var latinLookalikes = map[rune]rune{
	'a': 'а', 'b': 'в', 'c': 'с', 'e': 'е', 'h': 'н', 'k': 'к', 'm': 'м',
	'o': 'о', 'p': 'р', 't': 'т', 'x': 'х', 'y': 'у',
}

// foldWord turns the lower-cased runes of one word into a string and
// decides which stemmer applies to it.
func foldWord(w []rune) (string, wordKind) {
	var cyr, lat, other int
	for _, r := range w {
		switch {
		case r >= 'а' && r <= 'я':
			// The common case, ahead of the Unicode table lookups.
			cyr++
		case r >= 'a' && r <= 'z':
			lat++
		case unicode.IsDigit(r):
			return string(w), kindDigits
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		default:
			other++
		}
	}
	switch {
	case cyr > 0 && lat > 0:
		mapped := make([]rune, len(w))
		for i, r := range w {
			if unicode.Is(unicode.Latin, r) {
				c, ok := latinLookalikes[r]
				if !ok {
					return string(w), kindOther
				}
				r = c
			}
			mapped[i] = r
		}
		return string(mapped), kindCyrillic
	case cyr > 0 && other == 0:
		return string(w), kindCyrillic
	case lat > 0 && other == 0:
		return string(w), kindLatin
	}
	return string(w), kindOther
}

func stemWord(folded string, kind wordKind) string {
	switch kind {
	case kindCyrillic:
		return russian.Stem(folded, false)
	case kindLatin:
		return english.Stem(folded, false)
	}
	return folded
}

// extraStopWords complements snowball's list with words people put into a
// search box when they type a whole sentence («подскажите, как мне оплатить
// счёт»); keeping them would make the AND search find nothing.
var extraStopWords = map[string]bool{
	"это": true, "эта": true, "также": true, "либо": true, "ко": true,
	"который": true, "которая": true, "которое": true, "которые": true,
	"которых": true, "которым": true,
	"ваш": true, "ваша": true, "ваше": true, "ваши": true, "вашего": true,
	"вашей": true, "вашему": true, "вашим": true, "вашу": true,
	"хочу": true, "нужно": true, "пожалуйста": true, "подскажите": true,
	"скажите": true,
}

// isStopWord expects a folded word (ё already replaced by е), which is also
// the form snowball's list uses («еще», «ее»).
func isStopWord(folded string) bool {
	return russian.IsStopWord(folded) || extraStopWords[folded]
}
