package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"kabinet/internal/portaldb"
	"kabinet/internal/serviceapi"
)

// serviceToken runs `kabinet-portal service-token add|list|revoke`: the
// tokens of the supplier's own systems for /api/v1/service/… (see
// internal/serviceapi). A token is printed once, when it is made.
func serviceToken(ctx context.Context, args []string, out io.Writer) error {
	const usage = "service-token: write kabinet-portal service-token add -name billing -scopes import:*,export:readings | list | revoke -name billing"
	if len(args) == 0 {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("kabinet-portal service-token "+args[0], flag.ContinueOnError)
	dbPath := fs.String("db", env("KABINET_PORTAL_DB", "kabinet-portal.db"), dbUsage)
	name := fs.String("name", "", "the token's name: which system holds it, e.g. billing")
	scopes := fs.String("scopes", "", "what the token may do, separated by commas: "+strings.Join(serviceapi.Scopes(), ", ")+"; import:* and export:* for all of a direction")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if err := mustExist(*dbPath); err != nil {
		return fmt.Errorf("service-token: %w", err)
	}
	open := func() (*portaldb.DB, error) { return portaldb.Open(ctx, *dbPath, portaldb.Options{}) }
	switch args[0] {
	case "add":
		list, err := serviceapi.ParseScopes(*scopes)
		if err != nil {
			return fmt.Errorf("service-token: %w", err)
		}
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		token, err := serviceapi.NewToken(ctx, db, *name, list)
		if err != nil {
			return fmt.Errorf("service-token: %w", err)
		}
		fmt.Fprintf(out, "Токен %q (права: %s):\n%s\nОн показан один раз: сохраните его в настройках системы, которая будет обращаться к порталу (заголовок Authorization: Bearer …).\n",
			*name, strings.Join(list, ", "), token)
		return nil
	case "list":
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		tokens, err := db.ServiceTokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "Имя\tПрава\tВыдан\tПоследнее обращение\tОтозван")
		for _, t := range tokens {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, strings.Join(t.Scopes, ","), t.CreatedAt.Format("02.01.2006 15:04"),
				dateOrDash(t.LastUsedAt), dateOrDash(t.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		err = db.RevokeServiceToken(ctx, *name)
		if errors.Is(err, portaldb.ErrNotFound) {
			return fmt.Errorf("service-token: действующего токена с именем %q нет (kabinet-portal service-token list)", *name)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Токен %q отозван: с этой минуты он не действует ни на одном экземпляре портала.\n", *name)
		return nil
	}
	return errors.New(usage)
}

func dateOrDash(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("02.01.2006 15:04")
}
