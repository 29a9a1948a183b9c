package cli

import (
	"context"
	"fmt"
	"io"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// export writes a bill or a consumption statement as PDF from the stored
// data (it works offline), the same document the window prints:
//
//	kabinet export invoice --account A --period 2026-10 -o file.pdf
//	kabinet export statement --account A --from 2024-01 --to 2026-10 -o file.pdf
func (c *command) export(ctx context.Context, args []string) int {
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
	s, code := c.openAccount(ctx, false, account)
	if s == nil {
		return code
	}
	defer c.close(s)
	var write func(io.Writer) error
	if kind == "invoice" {
		write, code = c.invoice(s.svc, *account, *period)
	} else {
		write, code = c.statement(s.svc, *account, *from, *to)
	}
	if write == nil {
		return code
	}
	if err := cabinet.WritePDF(*out, write); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.out, c.say("exported", *out))
	return ExitOK
}

// invoice picks the bill of --period, or the latest.
func (c *command) invoice(svc *cabinet.Service, account, period string) (func(io.Writer) error, int) {
	var p domain.Period
	if period != "" {
		var err error
		if p, err = domain.ParsePeriod(period); err != nil {
			fmt.Fprintln(c.err, c.say("no_invoice", period))
			return nil, ExitFailed
		}
	}
	p, ok, err := svc.InvoicePeriod(account, p)
	if err != nil {
		return nil, c.fail(err)
	}
	if !ok {
		fmt.Fprintln(c.err, c.say("no_invoice", period))
		return nil, ExitFailed
	}
	return func(w io.Writer) error { return svc.InvoicePDF(w, account, p) }, ExitOK
}

// statement picks the months of --from and --to, 12 months up to the
// latest reading by default.
func (c *command) statement(svc *cabinet.Service, account, from, to string) (func(io.Writer) error, int) {
	var fromP, toP domain.Period
	for _, f := range []struct {
		raw string
		p   *domain.Period
	}{{from, &fromP}, {to, &toP}} {
		if f.raw == "" {
			continue
		}
		var err error
		if *f.p, err = domain.ParsePeriod(f.raw); err != nil {
			fmt.Fprintln(c.err, c.say("bad_period"))
			return nil, ExitUsage
		}
	}
	fromP, toP, err := svc.StatementPeriods(account, fromP, toP)
	if err != nil {
		return nil, c.fail(err)
	}
	if toP.Before(fromP) {
		fmt.Fprintln(c.err, c.say("bad_period"))
		return nil, ExitUsage
	}
	return func(w io.Writer) error { return svc.StatementPDF(w, account, fromP, toP) }, ExitOK
}
