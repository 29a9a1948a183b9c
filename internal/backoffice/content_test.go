package backoffice_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// An editor publishes a news item, changes an FAQ entry and removes an
// «О сервисе» section; the apps' API shows each change.
func TestEditorChangesWhatTheAppsShow(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("editor")
	b.get("/content/news/new")
	b.post("/content/news/new", url.Values{"head": {"Плановое отключение 3 декабря"}, "text": {"С 10 до 14 часов на улице Ленина."}, "date": {"02.12.2026"}})
	if b.status != http.StatusOK || !strings.Contains(b.page, "Сохранено") || !strings.Contains(b.page, "Плановое отключение 3 декабря") {
		t.Fatalf("news: %d %s", b.status, text(b.page))
	}
	if news := e.public("/api/v1/news"); !strings.Contains(news, "Плановое отключение 3 декабря") || !strings.Contains(news, "2026-12-02") {
		t.Errorf("the API's news: %s", news)
	}
	b.post("/content/news/new", url.Values{"head": {""}, "text": {"Без заголовка"}})
	if b.status != http.StatusUnprocessableEntity || !strings.Contains(b.page, "Заполните оба поля") {
		t.Errorf("a news item without a title: %d", b.status)
	}

	var faqID, aboutID string
	for _, kind := range []struct{ path, key, field string }{{"/api/v1/faq", "faq", "id"}, {"/api/v1/about", "sections", "id"}} {
		var v map[string][]map[string]any
		json.Unmarshal([]byte(e.public(kind.path)), &v)
		if len(v[kind.key]) == 0 {
			t.Fatalf("%s is empty", kind.path)
		}
		id, _ := v[kind.key][0]["id"].(string)
		if kind.key == "faq" {
			faqID = id
		} else {
			aboutID = id
		}
	}
	b.get("/content/faq/" + faqID)
	b.post("/content/faq/"+faqID, url.Values{"head": {"Как передать показания?"}, "text": {"В программе, в разделе «Показания»."}, "position": {"1"}})
	if faq := e.public("/api/v1/faq"); !strings.Contains(faq, "В программе, в разделе «Показания».") {
		t.Errorf("the changed FAQ: %s", faq)
	}
	b.get("/content/about/" + aboutID)
	b.post("/content/about/"+aboutID+"/delete", url.Values{})
	if about := e.public("/api/v1/about"); strings.Contains(about, `"`+aboutID+`"`) {
		t.Errorf("the removed section is still there: %s", about)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE staff = 'editor' AND action IN ('news_saved', 'faq_saved', 'about_deleted')`); n != 3 {
		t.Errorf("%d audit entries of the edits, want 3", n)
	}
	// Search on the portal finds the news (it checks the content version).
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(e.public("/api/v1/search?q="+url.QueryEscape("отключение")), "Плановое отключение") {
		if time.Now().After(deadline) {
			t.Fatal("search does not find the news published in the back office")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// public GETs a page of the customers' API that needs no login.
func (e *env) public(path string) string {
	e.t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, e.portal.URL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}
