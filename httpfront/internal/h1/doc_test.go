package h1

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocNamesTests keeps the package comment honest: every test or fuzz
// target it names as a guard of net/http parity exists in this package,
// and the differential ones are among them, so that removing or renaming
// one fails here rather than leaving the comment promising a check that
// no longer runs.
func TestDocNamesTests(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	funcs := map[string]bool{}
	var pkgDoc string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if f.Doc != nil {
			pkgDoc += f.Doc.Text()
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				funcs[fd.Name.Name] = true
			}
		}
	}
	if pkgDoc == "" {
		t.Fatal("package h1 has no package comment")
	}
	named := regexp.MustCompile(`\b(?:Test|Fuzz)[A-Z]\w*`).FindAllString(pkgDoc, -1)
	for _, want := range []string{"TestFastMatchesStd", "FuzzFastVsStd", "TestSimpleHeadMatchesReadRequest", "FuzzSimpleHead"} {
		if !strings.Contains(pkgDoc, want) {
			t.Errorf("the package comment does not name %s", want)
		}
	}
	for _, n := range named {
		if n == "TestFast" { // the "TestFast* behaviour tests" family
			continue
		}
		if !funcs[n] {
			t.Errorf("the package comment names %s, which is not in package h1", n)
		}
	}
}
