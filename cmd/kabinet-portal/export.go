package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
)

// exportCmd runs `kabinet-portal export readings|questions|profile-changes
// [-db …] [-since CURSOR | -cursor-file FILE] [-format jsonl|csv] [-limit N]
// [-o FILE]`: the records after the cursor go to stdout or -o, the next
// cursor to stderr (see exchange.Export). With -cursor-file the cursor is
// read from the file and replaced only after the records were written and
// synced to disk: a cron job that dies midway exports the same records
// again next time rather than losing them.
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "export: напишите kabinet-portal export readings|questions|profile-changes -db kabinet-portal.db " +
		"[-cursor-file FILE | -since КУРСОР] [-format jsonl|csv] [-limit N] [-o FILE]"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New(usage)
	}
	kind, err := exchange.ParseExportKind(args[0])
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fl := flag.NewFlagSet("kabinet-portal export "+args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	dbPath := fl.String("db", env("KABINET_PORTAL_DB", "kabinet-portal.db"), dbUsage)
	since := fl.String("since", "", "cursor the previous export printed; empty: from the beginning")
	cursorFile := fl.String("cursor-file", "", "file keeping the cursor between runs: read first, replaced after the records are on disk (missing: from the beginning)")
	format := fl.String("format", "jsonl", "jsonl (JSON Lines) or csv (UTF-8, ';', header row)")
	limit := fl.Int("limit", 0, "at most this many records; 0: all there are")
	outPath := fl.String("o", "", "file to write the records to (replaced whole); empty: stdout")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	if fl.NArg() != 0 {
		return errors.New(usage)
	}
	if *since != "" && *cursorFile != "" {
		return errors.New("export: укажите либо -since, либо -cursor-file, но не оба")
	}
	f, err := exchange.ParseExportFormat(*format)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cursor := *since
	if *cursorFile != "" {
		b, err := os.ReadFile(*cursorFile)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(stderr, "Файла курсора %s нет: выгружаю всё с начала.\n", *cursorFile)
		case err != nil:
			return fmt.Errorf("export: файл курсора не читается: %w", err)
		default:
			cursor = strings.TrimSpace(string(b))
		}
	}
	if err := mustExist(*dbPath); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	db, err := portaldb.Open(ctx, *dbPath, portaldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()

	res, err := exportTo(ctx, db, kind, cursor, *limit, f, *outPath, stdout)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if *cursorFile != "" {
		if err := writeFileAtomic(*cursorFile, []byte(res.Next+"\n")); err != nil {
			return fmt.Errorf("export: записи выгружены, но курсор не сохранён (в следующий раз они выгрузятся снова): %w", err)
		}
	}
	fmt.Fprintf(stderr, "Выгружено записей: %d.\n", res.Records)
	if held, err := db.ExportHeldBack(ctx); err == nil && held > 0 {
		fmt.Fprintf(stderr, "Ещё записей: %d — они ждут окончания начатых раньше них транзакций и выгрузятся в следующий раз.\n", held)
	}
	if res.More {
		fmt.Fprintln(stderr, "Выгружены не все записи (достигнут -limit): запустите выгрузку ещё раз со следующим курсором.")
	}
	fmt.Fprintf(stderr, "Следующий курсор: %s\n", res.Next)
	return nil
}

// exportTo writes the export to the file outPath (replacing it only when
// the whole export is written and synced) or to stdout.
func exportTo(ctx context.Context, db *portaldb.DB, kind exchange.ExportKind, cursor string, limit int, f exchange.ExportFormat,
	outPath string, stdout io.Writer) (exchange.ExportResult, error) {
	if outPath == "" {
		res, err := exchange.Export(ctx, db, kind, cursor, limit, f, stdout)
		if err != nil {
			return res, err
		}
		// stdout redirected to a file must be on disk before the cursor
		// moves; a pipe or a terminal cannot be synced, and that is no
		// error.
		if file, ok := stdout.(*os.File); ok {
			if err := file.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
				return res, fmt.Errorf("записи не сохранены на диск: %w", err)
			}
		}
		return res, nil
	}
	var res exchange.ExportResult
	err := replaceFile(outPath, 0o600, func(w io.Writer) error {
		var err error
		res, err = exchange.Export(ctx, db, kind, cursor, limit, f, w)
		return err
	})
	return res, err
}

// writeFileAtomic replaces path with data, readable by its owner only.
func writeFileAtomic(path string, data []byte) error {
	return replaceFile(path, 0o600, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// replaceFile writes a new file beside path with write, syncs it and
// renames it over path: a reader sees the old file or the whole new one,
// even after a crash.
func replaceFile(path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename itself is on disk only when the folder is.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
