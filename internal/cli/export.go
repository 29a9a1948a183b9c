package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"kabinet/internal/domain"
	"kabinet/internal/pdf"
	"kabinet/internal/store"
)

// export writes a bill or a consumption statement as PDF from the stored
// data (it works offline):
//
//	kabinet export invoice --account A --period 2026-10 -o file.pdf
//	kabinet export statement --account A --from 2024-01 --to 2026-10 -o file.pdf
func (c *command) export(args []string) int {
	if len(args) == 0 || (args[0] != "invoice" && args[0] != "statement") {
		fmt.Fprintln(c.err, c.say("export_usage"))
		return ExitUsage
	}
	kind := args[0]
	fs := c.flags("export " + kind)
	account := fs.String("account", "", "лицевой счёт (account number)")
	period := fs.String("period", "", "month of the bill, YYYY-MM (default: the latest)")
	from := fs.String("from", "", "first month, YYYY-MM (default: 12 months before --to)")
	to := fs.String("to", "", "last month, YYYY-MM (default: the latest reading's)")
	out := fs.String("o", "", "the PDF file to write")
	if err := fs.Parse(args[1:]); err != nil {
		return ExitUsage
	}
	if *out == "" {
		fmt.Fprintln(c.err, c.say("export_usage"))
		return ExitUsage
	}
	st, err := c.openStore()
	if err != nil {
		return c.fail(err)
	}
	defer st.Close()
	portal, _, _ := st.Setting("portal")
	customer, _, _ := st.Setting("customer")
	p := store.Profile{Portal: portal, Customer: customer}
	if *account == "" {
		list := accountsOf(st, p)
		if len(list) != 1 {
			fmt.Fprintln(c.err, c.say("choose_account", strings.Join(list, ", ")))
			return ExitUsage
		}
		*account = list[0]
	}
	cached, ok, err := st.Document(p, *account)
	if err != nil {
		return c.fail(err)
	}
	if !ok {
		return c.fail(errNoData)
	}
	doc := &cached.Doc
	var write func(io.Writer) error
	switch kind {
	case "invoice":
		var inv *domain.Invoice
		for i := range doc.Invoices {
			if *period == "" && (inv == nil || inv.Period.Before(doc.Invoices[i].Period)) || doc.Invoices[i].Period.String() == *period {
				inv = &doc.Invoices[i]
			}
		}
		if inv == nil {
			fmt.Fprintln(c.err, c.say("no_invoice", *period))
			return ExitFailed
		}
		id := inv.ID
		write = func(w io.Writer) error { return pdf.Invoice(w, doc, id, pdf.Options{Now: c.env.Now}) }
	case "statement":
		last := domain.Period{}
		for _, r := range doc.Readings {
			if last.Before(r.Period) {
				last = r.Period
			}
		}
		toP, fromP := last, last.AddMonths(-11)
		if *to != "" {
			if toP, err = domain.ParsePeriod(*to); err != nil {
				fmt.Fprintln(c.err, c.say("bad_period"))
				return ExitUsage
			}
			fromP = toP.AddMonths(-11)
		}
		if *from != "" {
			if fromP, err = domain.ParsePeriod(*from); err != nil {
				fmt.Fprintln(c.err, c.say("bad_period"))
				return ExitUsage
			}
		}
		if toP.Before(fromP) {
			fmt.Fprintln(c.err, c.say("bad_period"))
			return ExitUsage
		}
		write = func(w io.Writer) error { return pdf.Statement(w, doc, fromP, toP, pdf.Options{Now: c.env.Now}) }
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return c.fail(err)
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(*out)
		return c.fail(err)
	}
	if err := f.Close(); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.out, c.say("exported", *out))
	return ExitOK
}
