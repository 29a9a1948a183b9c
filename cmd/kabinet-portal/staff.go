package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"golang.org/x/term"

	"kabinet/internal/auth"
	"kabinet/internal/portaldb"
)

// minStaffPassword is the shortest staff password accepted: the back
// office shows customers' personal data, and a long phrase is easier to
// remember than a short tangle.
const minStaffPassword = 12

const staffUsage = `staff: напишите одну из команд:
  kabinet-portal staff add -db … -login ivanova -role operator|editor|admin
  kabinet-portal staff passwd -db … -login ivanova
  kabinet-portal staff disable -db … -login ivanova   (enable — включить снова)
  kabinet-portal staff role -db … -login ivanova -role editor
  kabinet-portal staff list -db …
Пароль берётся из KABINET_STAFF_PASSWORD или вводится дважды.`

// staffCmd runs `kabinet-portal staff …`: the back office's accounts.
// Passwords come from KABINET_STAFF_PASSWORD or are typed twice (without
// echo on a terminal), never from a flag, which ps would show.
func staffCmd(ctx context.Context, args []string, in io.Reader, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(staffUsage)
	}
	verb := args[0]
	fs := flag.NewFlagSet("kabinet-portal staff "+verb, flag.ContinueOnError)
	fs.SetOutput(out)
	dbPath := fs.String("db", env("KABINET_PORTAL_DB", "kabinet-portal.db"), dbUsage)
	login := fs.String("login", "", "staff login: Latin letters, digits, . _ -")
	role := fs.String("role", "", "operator, editor or admin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	*login = strings.ToLower(strings.TrimSpace(*login))
	if verb != "list" {
		if err := checkLogin(*login); err != nil {
			return err
		}
	}
	if (verb == "add" || verb == "role") && !portaldb.ValidRole(*role) {
		return errors.New("staff: укажите роль: -role operator (оператор), editor (редактор) или admin (администратор)")
	}
	var hash string
	if verb == "add" || verb == "passwd" {
		password, err := readStaffPassword(in, out)
		if err != nil {
			return err
		}
		if hash, err = auth.HashPassword(password); err != nil {
			return err
		}
	}
	if err := mustExist(*dbPath); err != nil {
		return fmt.Errorf("staff: базы данных нет (%w); сначала запустите портал", err)
	}
	db, err := portaldb.Open(ctx, *dbPath, portaldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var list []portaldb.StaffMember
	err = db.Write(ctx, func(tx *portaldb.Tx) error {
		var err error
		switch verb {
		case "add":
			_, err = tx.AddStaff(ctx, *login, hash, *role)
		case "passwd":
			err = tx.SetStaffPassword(ctx, *login, hash)
		case "disable", "enable":
			err = tx.SetStaffDisabled(ctx, *login, verb == "disable")
		case "role":
			err = tx.SetStaffRole(ctx, *login, *role)
		case "list":
			list, err = tx.StaffList(ctx)
			return err
		default:
			return errors.New(staffUsage)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, portaldb.AuditEntry{Staff: "сервер (командная строка)", Action: "staff_" + verb, Record: "сотрудник " + *login, Detail: *role})
	})
	switch {
	case errors.Is(err, portaldb.ErrStaffExists):
		return fmt.Errorf("staff: логин %s уже занят; выберите другой или смените пароль: kabinet-portal staff passwd -login %s", *login, *login)
	case errors.Is(err, portaldb.ErrNotFound):
		return fmt.Errorf("staff: сотрудника с логином %s нет; список: kabinet-portal staff list", *login)
	case err != nil:
		return err
	}
	printStaffResult(out, verb, *login, *role, list)
	return nil
}

// printStaffResult says what a staff command did.
func printStaffResult(out io.Writer, verb, login, role string, list []portaldb.StaffMember) {
	switch verb {
	case "add":
		fmt.Fprintf(out, "Сотрудник %s добавлен, роль: %s. Он входит в back office с этим логином и паролем.\n", login, role)
	case "passwd":
		fmt.Fprintf(out, "Пароль сотрудника %s изменён; его открытые сеансы закончены.\n", login)
	case "disable":
		fmt.Fprintf(out, "Вход сотрудника %s отключён; его открытые сеансы закончены.\n", login)
	case "enable":
		fmt.Fprintf(out, "Вход сотрудника %s снова включён.\n", login)
	case "role":
		fmt.Fprintf(out, "Роль сотрудника %s: %s; она действует со следующего входа.\n", login, role)
	case "list":
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ЛОГИН\tРОЛЬ\tВХОД\tПОСЛЕДНИЙ ВХОД")
		for _, m := range list {
			state, last := "включён", "не входил"
			if m.Disabled {
				state = "отключён"
			}
			if !m.LastLoginAt.IsZero() {
				last = m.LastLoginAt.Format("02.01.2006 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Login, m.Role, state, last)
		}
		tw.Flush()
	}
}

func checkLogin(login string) error {
	if len(login) < 2 || len(login) > 64 || strings.Trim(login, "abcdefghijklmnopqrstuvwxyz0123456789._-") != "" {
		return errors.New("staff: укажите -login: от 2 до 64 латинских букв, цифр, точек, дефисов или подчёркиваний, например -login ivanova")
	}
	return nil
}

// readStaffPassword takes the password from KABINET_STAFF_PASSWORD, or asks
// for it twice: without echo on a terminal, as two lines otherwise.
func readStaffPassword(in io.Reader, out io.Writer) (string, error) {
	if p, ok := os.LookupEnv("KABINET_STAFF_PASSWORD"); ok {
		return p, checkStaffPassword(p)
	}
	var read func() (string, error)
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		read = func() (string, error) {
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(out)
			return string(b), err
		}
	} else {
		lines := bufio.NewScanner(in)
		read = func() (string, error) {
			if !lines.Scan() {
				return "", errors.New("staff: пароль не введён")
			}
			return strings.TrimRight(lines.Text(), "\r"), nil
		}
	}
	fmt.Fprint(out, "Пароль сотрудника: ")
	first, err := read()
	if err != nil {
		return "", err
	}
	if err := checkStaffPassword(first); err != nil {
		return "", err
	}
	fmt.Fprint(out, "Ещё раз: ")
	second, err := read()
	if err != nil {
		return "", err
	}
	if first != second {
		return "", errors.New("staff: пароли не совпали; запустите команду снова")
	}
	return first, nil
}

func checkStaffPassword(p string) error {
	if utf8.RuneCountInString(p) < minStaffPassword {
		return fmt.Errorf("staff: пароль короче %d знаков; придумайте фразу из нескольких слов", minStaffPassword)
	}
	return nil
}
