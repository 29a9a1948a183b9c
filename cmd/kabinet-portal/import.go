package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
)

// importCmd runs `kabinet-portal import KIND [-db …] [-format csv|jsonl]
// [-create] FILE`: it loads a file of the billing system (customers,
// tariffs, accounts, meters, payments, invoices), all or — on any mistake
// — none, and prints what changed. See docs/exchange-import.md.
func importCmd(ctx context.Context, args []string, out io.Writer) error {
	const usage = "import: напишите kabinet-portal import ВИД [-db kabinet-portal.db] [-format csv|jsonl] [-create] ФАЙЛ, " +
		"где ВИД — customers, tariffs, accounts, meters, payments или invoices"
	if len(args) == 0 {
		return errors.New(usage)
	}
	kind, err := exchange.ParseKind(args[0])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fs := flag.NewFlagSet("kabinet-portal import "+string(kind), flag.ContinueOnError)
	dbPath := fs.String("db", env("KABINET_PORTAL_DB", "kabinet-portal.db"), dbUsage)
	format := fs.String("format", "", "the file's format: csv or jsonl; empty: from the file's extension or content")
	create := fs.Bool("create", false, "create the SQLite database when it does not exist yet (the first load into a new portal)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(usage)
	}
	file := fs.Arg(0)
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import: файл %s не открывается: %w", file, err)
	}
	defer f.Close()
	if !*create {
		if err := mustExist(*dbPath); err != nil {
			return fmt.Errorf("import: базы данных нет (%w); для первой загрузки в новый портал добавьте -create", err)
		}
	}
	db, err := portaldb.Open(ctx, *dbPath, portaldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := exchange.Import(ctx, db, kind, f, exchange.ImportOptions{Format: exchange.Format(*format), Name: filepath.Base(file)})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintln(out, rep.Summary())
	return nil
}
