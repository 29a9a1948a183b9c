package search

import (
	"strings"
	"unicode/utf8"
)

const (
	// snippetRunes is the longest snippet, not counting the ellipses;
	// about two lines of large print on a phone.
	snippetRunes = 160
	// snippetLead is how much text before the match is shown, so the
	// reader sees the match in context rather than as the first word.
	snippetLead = 40
)

// snippet cuts a single-line excerpt of text around the first word whose
// term is in terms. Cuts fall on spaces and are marked with "…"; the result
// is always valid UTF-8, whatever text is.
func snippet(text string, terms map[string]bool, stem func(string, wordKind) string) string {
	clean := strings.Join(strings.Fields(strings.ToValidUTF8(text, "\uFFFD")), " ")
	if clean == "" {
		return ""
	}
	matchByte := -1
	analyze(clean, stem, func(_, term string, start, _ int) bool {
		if terms[term] {
			matchByte = start
			return false
		}
		return true
	})
	r := []rune(clean)
	if len(r) <= snippetRunes {
		return clean
	}
	match := 0
	if matchByte > 0 {
		match = utf8.RuneCountInString(clean[:matchByte])
	}

	start := max(0, match-snippetLead)
	if start+snippetRunes > len(r) {
		start = max(0, len(r)-snippetRunes)
	}
	if start > 0 && r[start-1] != ' ' {
		// Move to the beginning of the next word, but never past the
		// match itself.
		next := match
		for j := start; j < match; j++ {
			if r[j] == ' ' {
				next = j + 1
				break
			}
		}
		start = next
	}
	end := min(len(r), start+snippetRunes)
	if end < len(r) && r[end] != ' ' {
		for j := end - 1; j > start; j-- {
			if r[j] == ' ' {
				end = j
				break
			}
		}
		// No space at all: a single enormous "word" (a URL, say) is cut
		// mid-word, still on a rune boundary.
	}

	s := strings.TrimSpace(string(r[start:end]))
	if end < len(r) {
		s = strings.TrimRight(s, " ,;:-–—") + "…"
	}
	if start > 0 {
		s = "…" + s
	}
	return s
}
