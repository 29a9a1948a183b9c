package portalclient_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/portalclient"
)

func tlsServer(t *testing.T, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"accounts":[]}`)
	}))
	// Refused handshakes are expected here; keep them out of the test log.
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	hs.StartTLS()
	t.Cleanup(hs.Close)
	return hs
}

func TestTLS(t *testing.T) {
	var hits atomic.Int32
	hs := tlsServer(t, &hits)
	pool := x509.NewCertPool()
	pool.AddCert(hs.Certificate())

	t.Run("untrusted", func(t *testing.T) {
		c := newClient(t, hs.URL, portalclient.Options{MaxWait: 10 * time.Millisecond})
		_, err := c.Accounts(t.Context())
		if !errors.Is(err, portalclient.ErrCertificate) || errors.Is(err, portalclient.ErrClock) || errors.Is(err, portalclient.ErrOffline) || portalclient.Temporary(err) {
			t.Fatalf("err %v", err)
		}
		var ua x509.UnknownAuthorityError
		if !errors.As(err, &ua) {
			t.Errorf("the x509 cause is lost: %v", err)
		}
		if m := portalclient.Message(err); !strings.Contains(m, "сертификат") {
			t.Errorf("Message %q", m)
		}
	})

	t.Run("wrong host", func(t *testing.T) {
		// The portal's address is not on the certificate.
		addr := hs.Listener.Addr().String()
		tr := &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool},
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			},
		}
		defer tr.CloseIdleConnections()
		c := newClient(t, "https://kabinet.invalid", portalclient.Options{Transport: tr})
		_, err := c.Accounts(t.Context())
		var he x509.HostnameError
		if !errors.Is(err, portalclient.ErrCertificate) || !errors.As(err, &he) || portalclient.Temporary(err) {
			t.Fatalf("err %v", err)
		}
	})

	t.Run("clock far ahead", func(t *testing.T) {
		future := func() time.Time { return time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC) }
		c := newClient(t, hs.URL, portalclient.Options{RootCAs: pool, Now: future})
		_, err := c.Accounts(t.Context())
		if !errors.Is(err, portalclient.ErrClock) || errors.Is(err, portalclient.ErrCertificate) || portalclient.Temporary(err) {
			t.Fatalf("err %v", err)
		}
		var inv x509.CertificateInvalidError
		if !errors.As(err, &inv) || inv.Reason != x509.Expired {
			t.Errorf("the x509 cause is lost: %v", err)
		}
		if m := portalclient.Message(err); !strings.Contains(m, "дату и время") {
			t.Errorf("Message %q", m)
		}
	})

	t.Run("clock far behind", func(t *testing.T) {
		past := func() time.Time { return time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC) }
		c := newClient(t, hs.URL, portalclient.Options{RootCAs: pool, Now: past})
		if _, err := c.Accounts(t.Context()); !errors.Is(err, portalclient.ErrClock) {
			t.Fatalf("err %v", err)
		}
	})

	if hits.Load() != 0 {
		t.Fatalf("%d requests reached the handler through a failed handshake", hits.Load())
	}

	t.Run("trusted", func(t *testing.T) {
		c := newClient(t, hs.URL, portalclient.Options{RootCAs: pool})
		accounts, err := c.Accounts(t.Context())
		if err != nil || accounts == nil || len(accounts) != 0 || hits.Load() != 1 {
			t.Fatalf("%v, %v, %d hits", accounts, err, hits.Load())
		}
	})
}
