package portal_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms/smstest"
)

// Two portal instances share one database behind a proxy. A news item the
// back office publishes through one of them (here: straight into the
// database, as the back office does) is found by a search on the other,
// whose index was built before the news existed.
func TestSearchOnEveryInstanceFindsContentEditedElsewhere(t *testing.T) {
	e := newEnv(t)
	other, err := portal.New(context.Background(), portal.Config{DB: e.db, SMS: &smstest.Recorder{}, Window: domain.AlwaysOpen,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(other.Handler())
	t.Cleanup(hs.Close)
	found := func() bool {
		resp, err := http.Get(hs.URL + "/api/v1/search?q=" + url.QueryEscape("субботник"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got struct{ Results []portal.SearchHit }
		json.NewDecoder(resp.Body).Decode(&got)
		return len(got.Results) > 0 && got.Results[0].Kind == "news"
	}
	if found() {
		t.Fatal("the word is found before any news says it")
	}
	err = e.db.Write(context.Background(), func(tx *portaldb.Tx) error {
		_, err := tx.SaveNews(context.Background(), domain.News{PublishedOn: domain.NewDate(2026, 11, 21),
			Title: "Субботник в офисе", Body: "Офис на Ленина закрыт в субботу: субботник."})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The other instance checks the content version at most once a second.
	deadline := time.Now().Add(5 * time.Second)
	for !found() {
		if time.Now().After(deadline) {
			t.Fatal("the other instance's search does not find the news published meanwhile")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
