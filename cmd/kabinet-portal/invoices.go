package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
)

// invoices runs `kabinet-portal invoices import -db … FILE.json`: it loads
// the bills the billing system issued, all or — on any mistake — none, and
// queues their letters for the accounts subscribed to e-mailed bills (see
// exchange.Invoices).
func invoices(ctx context.Context, args []string, out io.Writer) error {
	const usage = "invoices: write kabinet-portal invoices import -db kabinet-portal.db FILE.json"
	if len(args) == 0 || args[0] != "import" {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("kabinet-portal invoices import", flag.ContinueOnError)
	dbPath := fs.String("db", env("KABINET_PORTAL_DB", "kabinet-portal.db"), dbUsage)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(usage)
	}
	file := fs.Arg(0)
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("invoices: %w", err)
	}
	bills, err := exchange.ReadInvoices(data)
	if err != nil {
		return fmt.Errorf("invoices: %s: %w", file, err)
	}
	if err := mustExist(*dbPath); err != nil {
		return fmt.Errorf("invoices: %w", err)
	}
	db, err := portaldb.Open(ctx, *dbPath, portaldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	done, err := bills.Import(ctx, db)
	if err != nil {
		return fmt.Errorf("invoices: %s: %w", file, err)
	}
	fmt.Fprintf(out, "Загружено счетов: %d. Писем со счётом поставлено в очередь: %d.\n", done.Invoices, done.Letters)
	return nil
}
