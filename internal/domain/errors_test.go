package domain

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestCodesListsEveryCode: Codes is what the clients check their sentences
// against, so a code declared but left out of it would reach a person as
// the generic sentence. Every Code constant of the package is in it, once,
// and no two codes share a string.
func TestCodesListsEveryCode(t *testing.T) {
	listed := map[Code]int{}
	for _, c := range Codes() {
		listed[c]++
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]string{} // value → constant name
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
					continue
				}
				for i, n := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						t.Errorf("%s is not a string literal", n.Name)
						continue
					}
					v, _ := strconv.Unquote(lit.Value)
					if other, dup := declared[v]; dup {
						t.Errorf("%s and %s are both %q", other, n.Name, v)
					}
					declared[v] = n.Name
					if listed[Code(v)] != 1 {
						t.Errorf("%s (%q) is listed %d times in Codes()", n.Name, v, listed[Code(v)])
					}
				}
			}
		}
	}
	if len(declared) != len(listed) || len(declared) < 40 {
		t.Errorf("%d codes declared, %d listed", len(declared), len(listed))
	}
}

// TestErrorIsByCode: a sentinel *Error still matches after WithField, and
// not an error of another code.
func TestErrorIsByCode(t *testing.T) {
	sentinel := &Error{Code: CodeNoData, Message: "нет данных"}
	if !errors.Is(sentinel.WithField("account"), sentinel) {
		t.Error("a copy with a field is not the sentinel")
	}
	if errors.Is(&Error{Code: CodeNotLoggedIn}, sentinel) || errors.Is(&Error{}, &Error{}) {
		t.Error("errors of other (or no) codes match")
	}
}
