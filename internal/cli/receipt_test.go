package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kabinet/internal/cli"
	"kabinet/internal/domain"
	"kabinet/internal/portaltest"
)

// A reading sent from the command line names its receipt; `kabinet reading
// receipt` prints it to a PDF, by the number with or without its leading
// zeros, offline too, and refuses a number it does not know.
func TestReadingReceiptFromTheCommandLine(t *testing.T) {
	t.Setenv("HOME", t.TempDir()) // the documents folder
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(os.Getenv("HOME"), ".config"))
	p := portaltest.Start(t)
	u := newUser(t)
	u.logIn(p)
	_, meter := lastValue(t, u.dir)
	out := u.mustRun(cli.ExitOK, "reading", "add", "--value", wholePlus(meter, 110))
	m := regexp.MustCompile(`Показания приняты \d\d\.\d\d\.\d{4} в \d\d:\d\d\. Квитанция № (\d{5,}) \(распечатать: kabinet reading receipt --id \d+\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("reading add said:\n%s", out)
	}
	number := m[1]

	p.Down.Store(true)
	file := filepath.Join(t.TempDir(), "квитанция.pdf")
	out = u.mustRun(cli.ExitOK, "reading", "receipt", "--id", strings.TrimLeft(number, "0"), "-o", file)
	if !strings.Contains(out, "Квитанция № "+number) {
		t.Errorf("reading receipt said:\n%s", out)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		text, err := exec.Command("pdftotext", "-layout", file, "-").Output()
		value := strings.ReplaceAll((meter.Zones[0].LastValue + domain.DecimalFromInt(110)).Format(meter.FractionDigits), "\u202f", " ")
		for _, want := range []string{"Квитанция", "№ " + number, value, "Приняты"} {
			if err != nil || !strings.Contains(string(text), want) {
				t.Errorf("the receipt lacks %q: %v\n%s", want, err, text)
			}
		}
	}
	// Without -o it goes to the documents folder, under the window's name.
	out = u.mustRun(cli.ExitOK, "reading", "receipt", "--id", number)
	if !strings.Contains(out, "Квитанция-"+number+".pdf") {
		t.Errorf("reading receipt without -o said:\n%s", out)
	}
	if code, _, errOut := u.run("reading", "receipt", "--id", "99999999"); code != cli.ExitFailed || !strings.Contains(errOut, "Квитанции № 99999999") {
		t.Errorf("an unknown number: exit %d\n%s", code, errOut)
	}
	if code, _, _ := u.run("reading", "receipt"); code != cli.ExitUsage {
		t.Errorf("no --id: exit %d", code)
	}
}

// A meter without a reading in an open window is what status exits 4 on,
// even when something else waits to be sent (3): the waiting question goes
// by itself, the missing reading needs the person.
func TestStatusExitsFourOverThreeWhileAReadingIsMissing(t *testing.T) {
	p := portaltest.Start(t)
	u := newUser(t)
	u.logIn(p)
	p.Down.Store(true)
	u.mustRun(cli.ExitQueued, "question", "--text", "Когда придёт счёт?")
	out := u.mustRun(cli.ExitReadingDue, "status")
	if !strings.Contains(out, "Ожидают отправки: 1") || !strings.Contains(out, "нет показаний") || !regexp.MustCompile(`осталось \d+ (день|дня|дней)|сегодня последний день`).MatchString(out) {
		t.Errorf("status said:\n%s", out)
	}
	if out := u.mustRun(cli.ExitReadingDue, "--lang", "en", "status"); !strings.Contains(out, "no reading yet: meter …") {
		t.Errorf("status in English said:\n%s", out)
	}
}
