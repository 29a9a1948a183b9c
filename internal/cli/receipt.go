package cli

import (
	"context"
	"fmt"
	"io"

	"kabinet/internal/cabinet"
)

// readingReceipt writes «Квитанция о приёме показаний» of an accepted
// reading, found by its receipt number (the one the result, the history
// and the echo name; leading zeros may be left out), from the stored data:
//
//	kabinet reading receipt --id 00412 [-o квитанция.pdf]
//
// Without -o it goes where the window saves documents (the person's
// «Документы», on a public computer the session's folder), under the name
// the window gives it.
func (c *command) readingReceipt(ctx context.Context, args []string) int {
	fs := c.flags("reading receipt")
	id := fs.String("id", "", "the receipt number («Квитанция № 00412»)")
	out := fs.String("o", "", "the PDF file to write (default: the documents folder)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if *id == "" {
		fmt.Fprintln(c.err, c.say("receipt_usage"))
		return ExitUsage
	}
	s, code := c.open(ctx, false)
	if s == nil {
		return code
	}
	defer c.close(s)
	r, ok, err := s.svc.FindReceipt(*id)
	if err != nil {
		return c.fail(err)
	}
	if !ok {
		fmt.Fprintln(c.err, c.say("no_receipt", *id))
		return ExitFailed
	}
	write := func(w io.Writer) error { return s.svc.ReceiptPDF(w, r) }
	path := *out
	if path == "" {
		path, err = s.svc.SavePDF(r.FileName(), write)
	} else {
		err = cabinet.WritePDF(path, write)
	}
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.out, c.say("receipt_saved", r.Number, path))
	return ExitOK
}
