package search

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var corpus = []Document{
	{Kind: "faq", ID: "readings", Title: "Как передать показания счётчика",
		Text: "Показания можно передать с 18 по 25 число каждого месяца в личном кабинете, по телефону или в офисе."},
	{Kind: "faq", ID: "readings-late", Title: "Что будет, если не передать вовремя",
		Text: "Если вы не передали показаний, начисление выполняется по среднему потреблению за последние месяцы."},
	{Kind: "news", ID: "photo", Title: "Новый способ приёма",
		Text: "Теперь фото с показаниями счётчика можно прислать прямо из личного кабинета."},
	{Kind: "faq", ID: "bill", Title: "Где взять квитанцию",
		Text: "Квитанция приходит по почте. Если счёт не пришёл, его можно скачать в личном кабинете."},
	{Kind: "faq", ID: "pay", Title: "Оплата электроэнергии",
		Text: "Оплатить счета можно в отделении почты, в банке или онлайн. Комиссия за оплату онлайн не взимается."},
	{Kind: "service", ID: "debts", Title: "Справка об отсутствии задолженности",
		Text: "Справку выдают в офисе по паспорту. Проверьте, что нет неоплаченных счетов."},
	{Kind: "office", ID: "center", Title: "Офис на улице Ленина",
		Text: "ЁЛКИНО: улица Ленина, 5. Приём с 9 до 18, перерыв с 13 до 14. Телефон для справок 8-800-100-20-30."},
	{Kind: "news", ID: "sms", Title: "SMS-уведомления",
		Text: "Подключите SMS-уведомления о начислениях и платежах. Notifications are free."},
}

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Document.ID
	}
	return out
}

func TestSearchMatches(t *testing.T) {
	ix := NewIndex(corpus)
	tests := []struct {
		name  string
		query string
		want  []string // expected IDs, any order
	}{
		{"nominative finds genitive plural", "показание", []string{"readings", "readings-late", "photo"}},
		{"instrumental plural", "показаниями", []string{"readings", "readings-late", "photo"}},
		{"счёт finds счета and счетов", "счета", []string{"bill", "pay", "debts"}},
		{"счет without ё", "счетов", []string{"bill", "pay", "debts"}},
		{"ё in text, е in query", "елкино", []string{"center"}},
		{"е in text, ё in query", "приём", []string{"photo", "center"}},
		{"upper case query", "КВИТАНЦИЯ", []string{"bill"}},
		{"mixed case", "ОпЛаТа", []string{"pay"}},
		{"digits", "18", []string{"readings", "center"}},
		{"latin words", "sms", []string{"sms"}},
		{"english stem", "notification", []string{"sms"}},
		{"hyphenated word split", "уведомления", []string{"sms"}},
		{"AND of two words", "передать показания", []string{"readings", "readings-late"}},
		{"stop words ignored", "как и где по", nil},
		{"empty", "", nil},
		{"punctuation only", " ,.!? — ", nil},
		{"nothing matches", "ракета", nil},
		{"latin lookalike in query", "Cчета", []string{"bill", "pay", "debts"}},
		{"decomposed й", "начислении\u0306", []string{"sms", "readings-late"}},
		{"stress mark", "спра\u0301вка", []string{"debts"}},
		{"soft hyphen in query", "квитан\u00adция", []string{"bill"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(ix.Search(tt.query, 0))
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Search(%q) = %v, want %v", tt.query, got, want)
			}
		})
	}
}

func TestSearchEmptyIsNil(t *testing.T) {
	ix := NewIndex(corpus)
	for _, q := range []string{"", "   ", "и в на", "что как для"} {
		if got := ix.Search(q, 10); got != nil {
			t.Errorf("Search(%q) = %v, want nil", q, got)
		}
	}
	if got := NewIndex(nil).Search("счёт", 10); got != nil {
		t.Errorf("empty index: got %v, want nil", got)
	}
}

func TestSearchANDThenOR(t *testing.T) {
	ix := NewIndex(corpus)
	tests := []struct {
		name  string
		query string
		want  []string // exact order
	}{
		// All three words only in "readings"; AND wins, nothing else.
		{"AND", "передать показания кабинет", []string{"readings"}},
		// «ракета» is nowhere, so AND finds nothing; the document with both
		// other words comes before the ones with one, which are ordered by
		// score: the title match first.
		{"OR fallback ranks by matched terms", "офис паспорт ракета", []string{"debts", "center", "readings"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(ix.Search(tt.query, 0))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

func TestSearchORFallbackOrder(t *testing.T) {
	docs := []Document{
		{Kind: "faq", ID: "one", Title: "Тариф", Text: "Тариф на электроэнергию."},
		{Kind: "faq", ID: "two", Title: "Льготы", Text: "Льготный тариф для пенсионеров, тариф и льготы."},
		{Kind: "faq", ID: "none", Title: "Офис", Text: "Адрес офиса."},
	}
	ix := NewIndex(docs)
	got := ids(ix.Search("тариф пенсионеров ракета", 0))
	want := []string{"two", "one"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSearchPrefix(t *testing.T) {
	ix := NewIndex(corpus)
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"half-typed last word", "показ", []string{"readings", "readings-late", "photo"}},
		{"half-typed after a full word", "передать показ", []string{"readings", "readings-late"}},
		{"prefix of an ending", "показани", []string{"readings", "readings-late", "photo"}},
		// «квит» is not a prefix here, so the AND search (which would
		// find "bill") fails and the OR fallback finds every «личн…».
		{"prefix only on the last word", "квит личн", []string{"bill", "photo", "readings"}},
		{"too short for a prefix", "кви", []string{}},
		// «прие» stems to «при», which finds «приём» exactly; the typed
		// word is the prefix of the stem of «приёма».
		{"short stem falls back to the typed word", "прие", []string{"center", "photo"}},
		{"a complete word is also a prefix", "счёт", []string{"bill", "pay", "debts", "readings", "photo"}},
		{"digits are not prefixes", "1", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(ix.Search(tt.query, 0))
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Search(%q) = %v, want %v", tt.query, got, want)
			}
		})
	}
	// An exact match outranks a prefix match.
	docs := []Document{
		{Kind: "faq", ID: "a", Title: "Счётчики", Text: "Замена счётчика."},
		{Kind: "faq", ID: "b", Title: "Счёт", Text: "Счёт за месяц."},
	}
	got := ids(NewIndex(docs).Search("счёт", 0))
	if want := []string{"b", "a"}; !slices.Equal(got, want) {
		t.Errorf("exact vs prefix: got %v, want %v", got, want)
	}
}

func TestSearchRanking(t *testing.T) {
	docs := []Document{
		{Kind: "news", ID: "text", Title: "Новости компании", Text: "Мы обновили раздел про тарифы и льготы."},
		{Kind: "faq", ID: "title", Title: "Тарифы на 2026 год", Text: "С первого июля цены меняются для всех групп потребителей."},
		{Kind: "faq", ID: "long", Title: "Всё о компании",
			Text: strings.Repeat("Компания работает для жителей области. ", 40) + "Тарифы утверждены."},
	}
	ix := NewIndex(docs)
	got := ids(ix.Search("тарифы", 0))
	if want := []string{"title", "text", "long"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	hits := ix.Search("тарифы", 0)
	for i := 1; i < len(hits); i++ {
		if hits[i-1].Score < hits[i].Score {
			t.Errorf("scores not descending: %v", hits)
		}
	}
}

func TestSearchTieBreak(t *testing.T) {
	docs := []Document{
		{Kind: "news", ID: "2", Title: "Отключение", Text: "Плановое отключение."},
		{Kind: "faq", ID: "9", Title: "Отключение", Text: "Плановое отключение."},
		{Kind: "news", ID: "1", Title: "Отключение", Text: "Плановое отключение."},
	}
	ix := NewIndex(docs)
	for range 5 {
		got := ids(ix.Search("отключение", 0))
		if want := []string{"9", "1", "2"}; !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestSearchLimit(t *testing.T) {
	ix := NewIndex(corpus)
	all := ix.Search("показания", 0)
	if len(all) != 3 {
		t.Fatalf("got %d hits, want 3", len(all))
	}
	for _, limit := range []int{1, 2, 3, 10, -1} {
		got := ix.Search("показания", limit)
		want := all
		if limit > 0 && limit < len(all) {
			want = all[:limit]
		}
		if !slices.Equal(ids(got), ids(want)) {
			t.Errorf("limit %d: got %v, want %v", limit, ids(got), ids(want))
		}
	}
}

func TestNewIndexCopiesDocuments(t *testing.T) {
	docs := slices.Clone(corpus)
	ix := NewIndex(docs)
	docs[0].Title = "испорчено"
	hits := ix.Search("показания передать кабинет", 1)
	if len(hits) != 1 || hits[0].Document.Title != corpus[0].Title {
		t.Errorf("index changed with the caller's slice: %v", hits)
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("Электроснабжение жилых домов осуществляется круглосуточно. ", 6) +
		"Показания счётчика передавайте ежемесячно, лучше всего с 18 по 25 число. " +
		strings.Repeat("Оплатить квитанцию можно в любом отделении банка. ", 6)
	docs := []Document{
		{Kind: "faq", ID: "long", Title: "Памятка", Text: long},
		{Kind: "faq", ID: "short", Title: "Показания", Text: "Коротко:\n\nпередайте   показания."},
		{Kind: "faq", ID: "title-only", Title: "Отключения", Text: long},
		{Kind: "faq", ID: "huge-word", Title: "Ссылка", Text: strings.Repeat("ж", 400) + " показания"},
		{Kind: "faq", ID: "end", Title: "Конец", Text: strings.Repeat("Начало текста про разное. ", 12) + "В конце про тарифы."},
	}
	ix := NewIndex(docs)
	get := func(q, id string) string {
		t.Helper()
		for _, h := range ix.Search(q, 0) {
			if h.Document.ID == id {
				return h.Snippet
			}
		}
		t.Fatalf("%q: %s not found", q, id)
		return ""
	}

	s := get("показания", "long")
	checkSnippet(t, s, long)
	if !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") {
		t.Errorf("middle snippet should be cut at both ends: %q", s)
	}
	if !strings.Contains(s, "Показания счётчика") {
		t.Errorf("snippet misses the match: %q", s)
	}

	if s := get("показания", "short"); s != "Коротко: передайте показания." {
		t.Errorf("short text: %q", s)
	}

	s = get("отключения", "title-only")
	checkSnippet(t, s, long)
	if !strings.HasPrefix(s, "Электроснабжение") || !strings.HasSuffix(s, "…") {
		t.Errorf("title-only match should show the start of the text: %q", s)
	}

	s = get("показания", "huge-word")
	checkSnippet(t, s, docs[3].Text)

	s = get("тарифы", "end")
	checkSnippet(t, s, docs[4].Text)
	if !strings.HasSuffix(s, "В конце про тарифы.") || !strings.HasPrefix(s, "…") {
		t.Errorf("match at the end: %q", s)
	}

	// Invalid UTF-8 in the content must not leak into the snippet.
	bad := NewIndex([]Document{{Kind: "faq", ID: "bad", Title: "x", Text: "показания \xff\xfe " + long}})
	for _, h := range bad.Search("показания", 0) {
		if !utf8.ValidString(h.Snippet) {
			t.Errorf("invalid UTF-8 snippet: %q", h.Snippet)
		}
	}
}

func checkSnippet(t *testing.T, s, text string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("invalid UTF-8: %q", s)
	}
	body := strings.TrimSuffix(strings.TrimPrefix(s, "…"), "…")
	if n := utf8.RuneCountInString(body); n > snippetRunes {
		t.Errorf("snippet has %d runes, want <= %d: %q", n, snippetRunes, s)
	}
	if strings.Contains(s, "\n") {
		t.Errorf("snippet has a line break: %q", s)
	}
	words := strings.Fields(strings.Join(strings.Fields(text), " "))
	// Every word except a hard-cut giant one must be a whole word of the
	// text: cuts fall between words.
	for _, w := range strings.Fields(body) {
		if utf8.RuneCountInString(w) >= snippetRunes {
			continue
		}
		w = strings.TrimRight(w, ",;:")
		found := false
		for _, tw := range words {
			if strings.TrimRight(tw, ",;:") == w {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("snippet word %q is not a word of the text (cut mid-word?): %q", w, s)
		}
	}
}

func TestSearchConcurrent(t *testing.T) {
	ix := NewIndex(generate(200))
	queries := []string{"показания", "счёт", "оплата онлайн", "офис приём", "показ", "18", "ракета тариф"}
	want := make(map[string][]string)
	for _, q := range queries {
		want[q] = ids(ix.Search(q, 10))
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 50 {
				q := queries[(g+i)%len(queries)]
				if got := ids(ix.Search(q, 10)); !slices.Equal(got, want[q]) {
					t.Errorf("%q: got %v, want %v", q, got, want[q])
					return
				}
			}
		})
	}
	wg.Wait()
}

// generate makes n documents that look like portal content.
func generate(n int) []Document {
	kinds := []string{"news", "faq", "office", "service"}
	sentences := []string{
		"Показания счётчика принимаются с 18 по 25 число каждого месяца.",
		"Оплатить счёт можно онлайн, в банке или на почте без комиссии.",
		"Офис обслуживания работает с понедельника по пятницу, приём с 9 до 18.",
		"При смене собственника необходимо переоформить лицевой счёт.",
		"Плановое отключение электроэнергии связано с ремонтом сетей.",
		"Льготы для пенсионеров и ветеранов оформляются по заявлению.",
		"Квитанции можно получать по электронной почте вместо бумажных.",
		"Замена прибора учёта выполняется бесплатно для отдельных категорий.",
		"Тарифы на электроэнергию утверждаются региональной комиссией.",
		"Горячая линия отвечает на вопросы круглосуточно.",
	}
	docs := make([]Document, n)
	for i := range docs {
		var b strings.Builder
		for j := range 3 + i%7 {
			b.WriteString(sentences[(i*3+j)%len(sentences)])
			b.WriteByte(' ')
		}
		docs[i] = Document{
			Kind:  kinds[i%len(kinds)],
			ID:    fmt.Sprintf("doc-%04d", i),
			Title: sentences[i%len(sentences)][:strings.IndexByte(sentences[i%len(sentences)], ' ')+1] + fmt.Sprint(i),
			Text:  b.String(),
		}
	}
	return docs
}

func BenchmarkSearch(b *testing.B) {
	ix := NewIndex(generate(500))
	queries := []string{"показания счётчика", "оплата", "показ", "офис приём суббота", "льготы пенсионерам"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Search(queries[i%len(queries)], 10)
		i++
	}
}

func BenchmarkNewIndex(b *testing.B) {
	docs := generate(500)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(docs)
	}
}
