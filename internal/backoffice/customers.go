package backoffice

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

type customersData struct {
	Query string
	Found []portaldb.CustomerRecord
}

// customers finds customers by customer number, phone or account number;
// one found opens at once.
func (s *Server) customers(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := page{Title: "Поиск клиента", Data: customersData{Query: q}}
	if q == "" {
		s.render(w, r, http.StatusOK, "customers", p)
		return
	}
	if utf8.RuneCountInString(q) > 40 {
		p.Error = "Слишком длинный запрос. Введите номер клиента, номер лицевого счёта или телефон."
		s.render(w, r, http.StatusOK, "customers", p)
		return
	}
	var found []portaldb.CustomerRecord
	err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		if found, err = tx.FindCustomers(r.Context(), q, 20); err != nil {
			return err
		}
		numbers := make([]string, len(found))
		for i, c := range found {
			numbers[i] = c.Number
		}
		one := ""
		if len(found) == 1 {
			one = found[0].Number
		}
		return s.audit(r, tx, "search", one, "", "найдено: "+strings.Join(numbers, ", "))
	})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	if len(found) == 1 {
		http.Redirect(w, r, "/customers/"+found[0].Number, http.StatusSeeOther)
		return
	}
	if len(found) == 0 {
		p.Error = "Никого не нашли. Проверьте цифры: номер клиента (6 цифр), номер лицевого счёта (10 цифр) или телефон (+7 912 123-45-67)."
	}
	p.Data = customersData{Query: q, Found: found}
	s.render(w, r, http.StatusOK, "customers", p)
}

type customerData struct {
	Customer  portaldb.CustomerRecord
	Accounts  []domain.AccountSummary
	Readings  []portaldb.CustomerReading
	Questions []domain.Question
	// PhoneEnding is the last digits of the phone on file, named in the
	// one-time password form.
	PhoneEnding string
	// OTP is a one-time password just issued: shown on this page once.
	OTP string
	// Payments are the online payments, for an admin's refund.
	Payments []portaldb.OnlinePayment
	// Billing are the billing import's flags for the contact centre: the
	// customer is missing from its latest file, or it gave a phone other
	// than the one the customer proved.
	Billing portaldb.BillingFlags
}

// customer is a customer's card: contacts, accounts, recent readings,
// questions, and the one-time password form.
func (s *Server) customer(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadCustomer(r, r.PathValue("number"))
	if errors.Is(err, portaldb.ErrNotFound) {
		s.notFound(w, r, "Клиента с таким номером нет. Найдите его через «Поиск клиента».")
		return
	}
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "customer", page{Title: "Клиент " + d.Customer.Number, Data: d})
}

// loadCustomer reads a customer's card and records in the audit log that
// the staff member looked at it.
func (s *Server) loadCustomer(r *http.Request, number string) (customerData, error) {
	var d customerData
	ctx := r.Context()
	err := s.db.Write(ctx, func(tx *portaldb.Tx) error {
		var err error
		if d.Customer, err = tx.CustomerByNumber(ctx, number); err != nil {
			return err
		}
		if d.Accounts, err = tx.Accounts(ctx, d.Customer.ID); err != nil {
			return err
		}
		if d.Billing, err = tx.BillingFlags(ctx, number); err != nil {
			return err
		}
		if d.Readings, err = tx.RecentReadings(ctx, d.Customer.ID, 10); err != nil {
			return err
		}
		if d.Questions, err = tx.Questions(ctx, d.Customer.ID); err != nil {
			return err
		}
		if visitOf(r).staff.Role == portaldb.RoleAdmin {
			if d.Payments, err = tx.CustomerOnlinePayments(ctx, d.Customer.ID, 20); err != nil {
				return err
			}
		}
		return s.audit(r, tx, "customer_viewed", number, "", "")
	})
	d.PhoneEnding = domain.PhoneEnding(d.Customer.Phone)
	return d, err
}
