package archtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The catalogue of reasons, reason → English template, that the front ends
// take their English fallback from and translators work from. It is
// generated from the chat.E calls by TestReasons.
const reasonsFile = "web/src/common/reasons.en.json"

// reasonsUpdateEnv, set to 1, makes TestReasons write reasonsFile instead of
// comparing it.
const reasonsUpdateEnv = "SKRANKE_UPDATE_REASONS"

// dataParams are parameters that carry data for a client besides the
// template's values, and need not be in the template (docs/protocol.md,
// "Errors"): field names the input an invalid error is about, so that a
// form shows the message beside it; opensAt is when a closed queue opens.
var dataParams = map[string]bool{"field": true, "opensAt": true}

var (
	reasonKey   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	placeholder = regexp.MustCompile(`\{([A-Za-z0-9_]*)\}`)
	paramName   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	errorCode   = regexp.MustCompile(`^E[A-Z][A-Za-z]*$`)
)

// TestReasons holds every user-facing error of the module to the rules of
// chat.E: its reason is a literal snake_case key, its template a literal
// whose {placeholders} are exactly its parameters, one reason has one
// template wherever it is used, and no *chat.Error is built by hand. The
// reasons and templates must be those of reasonsFile, which
// SKRANKE_UPDATE_REASONS=1 rewrites.
func TestReasons(t *testing.T) {
	root, module := moduleRoot(t)
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); path != root && err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files[filepath.ToSlash(rel)] = src
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	cat, calls, problems := checkReasons(module, files)
	for _, p := range problems {
		t.Error(p)
	}
	// A chat without errors is no chat: finding few calls means the walk
	// or the matching broke, not that the code is clean.
	if calls < 100 {
		t.Fatalf("found %d chat.E calls in %d files; is the walk of %s working?", calls, len(files), root)
	}

	// The reasons docs/protocol.md names for client writers must exist.
	doc, err := os.ReadFile(filepath.Join(root, "docs", "protocol.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := documentedReasons(doc)
	if len(documented) < 10 {
		t.Errorf("docs/protocol.md names %d reasons between <!-- reasons:begin --> and <!-- reasons:end -->; is the table there?", len(documented))
	}
	for _, r := range documented {
		if _, ok := cat[r]; !ok {
			t.Errorf("docs/protocol.md lists reason %q, which no chat.E call makes", r)
		}
	}

	want := catalogueJSON(cat)
	path := filepath.Join(root, filepath.FromSlash(reasonsFile))
	if os.Getenv(reasonsUpdateEnv) == "1" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatalf("write %s: %v", reasonsFile, err)
		}
		t.Logf("wrote %s: %d reasons from %d calls", reasonsFile, len(cat), calls)
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v; make it with %s=1 go test ./internal/archtest", reasonsFile, err, reasonsUpdateEnv)
	}
	if !bytes.Equal(got, want) {
		var old map[string]string
		json.Unmarshal(got, &old)
		var changed []string
		for r, tpl := range cat {
			if old[r] != tpl {
				changed = append(changed, r)
			}
		}
		for r := range old {
			if _, ok := cat[r]; !ok {
				changed = append(changed, r+" (gone)")
			}
		}
		slices.Sort(changed)
		t.Errorf("%s is not the catalogue of the chat.E calls (%d reasons; differs in %q); run %s=1 go test ./internal/archtest and commit it", reasonsFile, len(cat), changed, reasonsUpdateEnv)
	}
}

// documentedReasons returns the reasons in the first column of the table
// between <!-- reasons:begin --> and <!-- reasons:end --> of doc.
func documentedReasons(doc []byte) []string {
	_, table, _ := strings.Cut(string(doc), "<!-- reasons:begin -->")
	table, _, _ = strings.Cut(table, "<!-- reasons:end -->")
	var out []string
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(cells[1], -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// moduleRoot returns the directory and path of the module under test.
func moduleRoot(t *testing.T) (dir, path string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Path}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	dir, path, ok := strings.Cut(strings.TrimSpace(string(out)), " ")
	if !ok {
		t.Fatalf("go list -m = %q", out)
	}
	return dir, path
}

// catalogueJSON encodes a catalogue as reasonsFile holds it: sorted keys,
// two-space indents, no HTML escapes, a final newline.
func catalogueJSON(cat map[string]string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(cat); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// checkReasons parses the Go files (path relative to the module root →
// source) of module and checks every chat.E call and every *chat.Error
// literal. It returns the catalogue (reason → template), the number of
// calls and the problems found, each naming its position.
func checkReasons(module string, files map[string][]byte) (cat map[string]string, calls int, problems []string) {
	chatPath := module + "/chat"
	cat = map[string]string{}
	first := map[string]string{} // reason → position of its first use
	fset := token.NewFileSet()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names) // problems in a stable order
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, files[name], parser.SkipObjectResolution)
		if err != nil {
			problems = append(problems, fmt.Sprintf("parse %s: %v", name, err))
			continue
		}
		inChat := dirOf(name) == "chat" && f.Name.Name == "chat"
		local := "" // the name chat is imported as
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == chatPath {
				local = "chat"
				if imp.Name != nil {
					local = imp.Name.Name
				}
			}
		}
		// isChat reports whether x names chat's identifier id.
		isChat := func(x ast.Expr, id string) bool {
			switch x := x.(type) {
			case *ast.Ident:
				return inChat && x.Name == id
			case *ast.SelectorExpr:
				pkg, ok := x.X.(*ast.Ident)
				return ok && local != "" && pkg.Name == local && x.Sel.Name == id
			}
			return false
		}
		for _, decl := range f.Decls {
			inE := false // within chat.E itself, the one maker of Errors
			if fd, ok := decl.(*ast.FuncDecl); ok {
				inE = inChat && fd.Recv == nil && fd.Name.Name == "E"
			}
			ast.Inspect(decl, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					if isChat(n.Type, "Error") && !inE {
						problems = append(problems, fmt.Sprintf("%s: a chat.Error literal; make user-facing errors with chat.E, which gives them a reason", fset.Position(n.Pos())))
					}
				case *ast.CallExpr:
					if !isChat(n.Fun, "E") {
						return true
					}
					calls++
					pos := fset.Position(n.Pos()).String()
					reason, template, ok := checkCall(n, pos, &problems)
					if !ok {
						return true
					}
					if prev, seen := cat[reason]; !seen {
						cat[reason], first[reason] = template, pos
					} else if prev != template {
						problems = append(problems, fmt.Sprintf("%s: reason %q has the template %q here and %q at %s; one reason, one text", pos, reason, template, prev, first[reason]))
					}
				}
				return true
			})
		}
	}
	return cat, calls, problems
}

// dirOf returns the directory of a file path, "" for the root.
func dirOf(file string) string {
	d := filepath.ToSlash(filepath.Dir(file))
	if d == "." {
		return ""
	}
	return d
}

// checkCall checks one call chat.E(code, reason, template, params...) and
// returns its reason and template when both are literals.
func checkCall(call *ast.CallExpr, pos string, problems *[]string) (reason, template string, ok bool) {
	bad := func(format string, args ...any) {
		*problems = append(*problems, pos+": chat.E: "+fmt.Sprintf(format, args...))
	}
	if call.Ellipsis.IsValid() {
		bad("parameters passed with ...; name each one")
		return "", "", false
	}
	if len(call.Args) < 3 {
		bad("needs a code, a reason and a template")
		return "", "", false
	}
	if !isCode(call.Args[0]) {
		bad("the code is not one of the chat.E… constants")
	}
	reason, rok := literal(call.Args[1])
	template, tok := literal(call.Args[2])
	switch {
	case !rok:
		bad("the reason is not a string literal")
	case !reasonKey.MatchString(reason):
		bad("reason %q is not a snake_case key ([a-z][a-z0-9_]*)", reason)
	}
	if !tok {
		bad("the template is not a string literal")
	}
	params := call.Args[3:]
	if len(params)%2 != 0 {
		bad("parameters come in name, value pairs; %d is odd", len(params))
	}
	named := map[string]bool{}
	for i := 0; i < len(params); i += 2 {
		name, ok := literal(params[i])
		switch {
		case !ok:
			bad("parameter %d's name is not a string literal", i/2+1)
		case !paramName.MatchString(name):
			bad("parameter name %q is not an identifier", name)
		case named[name]:
			bad("parameter %q is given twice", name)
		default:
			named[name] = true
		}
	}
	if !rok || !tok || !reasonKey.MatchString(reason) {
		return "", "", false
	}
	holes := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(template, -1) {
		holes[m[1]] = true
		if !named[m[1]] {
			bad("template %q has {%s}, but no parameter of that name", template, m[1])
		}
	}
	for name := range named {
		if !holes[name] && !dataParams[name] {
			bad("parameter %q is not in the template %q", name, template)
		}
	}
	if rest := placeholder.ReplaceAllString(template, ""); strings.ContainsAny(rest, "{}") {
		bad("template %q has a brace that is not a {placeholder}", template)
	}
	return reason, template, true
}

// isCode reports whether x is an error code constant, E… or chat.E….
func isCode(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return errorCode.MatchString(x.Name)
	case *ast.SelectorExpr:
		return errorCode.MatchString(x.Sel.Name)
	}
	return false
}

// literal returns the value of a string literal.
func literal(x ast.Expr) (string, bool) {
	lit, ok := x.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// TestCheckReasons shows that checkReasons finds each kind of mistake, so
// that TestReasons passing means something.
func TestCheckReasons(t *testing.T) {
	const header = "package p\n\nimport c \"m/chat\"\n\nvar v, r, tpl = 1, \"x\", \"X.\"\n\n"
	good := `var _ = c.E(c.ETooLarge, "message_too_long", "The message is longer than {max} characters.", "max", 5000)
var _ = c.E(c.EConflict, "chat_ended", "This chat has ended.")
var _ = c.E(c.EInvalid, "name_required", "Enter a name.", "field", "name")
`
	cat, calls, problems := checkReasons("m", map[string][]byte{"p/p.go": []byte(header + good)})
	if len(problems) != 0 || calls != 3 {
		t.Errorf("checkReasons(good) = %d calls, problems %q; want 3 calls, none", calls, problems)
	}
	wantCat := map[string]string{"message_too_long": "The message is longer than {max} characters.", "chat_ended": "This chat has ended.", "name_required": "Enter a name."}
	if !maps.Equal(cat, wantCat) {
		t.Errorf("checkReasons(good) catalogue = %v, want %v", cat, wantCat)
	}
	if got := string(catalogueJSON(wantCat)); got != "{\n  \"chat_ended\": \"This chat has ended.\",\n  \"message_too_long\": \"The message is longer than {max} characters.\",\n  \"name_required\": \"Enter a name.\"\n}\n" {
		t.Errorf("catalogueJSON = %q", got)
	}

	for _, tc := range []struct {
		name, src, want string
	}{
		{"reason not a literal", `var _ = c.E(c.EInvalid, r, "X.")`, "reason is not a string literal"},
		{"reason not snake_case", `var _ = c.E(c.EInvalid, "MessageTooLong", "X.")`, "not a snake_case key"},
		{"reason with a dash", `var _ = c.E(c.EInvalid, "too-long", "X.")`, "not a snake_case key"},
		{"template not a literal", `var _ = c.E(c.EInvalid, "x", tpl)`, "template is not a string literal"},
		{"placeholder without a parameter", `var _ = c.E(c.EInvalid, "x", "Over {max}.")`, "has {max}, but no parameter"},
		{"parameter not in the template", `var _ = c.E(c.EInvalid, "x", "Over.", "max", v)`, `parameter "max" is not in the template`},
		{"misspelt parameter", `var _ = c.E(c.EInvalid, "x", "Over {max}.", "maks", v)`, "has {max}, but no parameter"},
		{"odd parameters", `var _ = c.E(c.EInvalid, "x", "Over {max}.", "max")`, "is odd"},
		{"parameter name not a literal", `var _ = c.E(c.EInvalid, "x", "Over {max}.", r, v)`, "name is not a string literal"},
		{"parameters spread", `var ps []any; var _ = c.E(c.EInvalid, "x", "Over.", ps...)`, "passed with ..."},
		{"stray brace", `var _ = c.E(c.EInvalid, "x", "Use {a b}.")`, "brace that is not a {placeholder}"},
		{"code not a constant", `var _ = c.E("invalid", "x", "X.")`, "code is not one of"},
		{"one reason, two texts", `var _ = c.E(c.EInvalid, "x", "X.")
var _ = c.E(c.EInvalid, "x", "Y.")`, `reason "x" has the template "Y." here and "X."`},
		{"a literal Error", `var _ = &c.Error{Code: c.EInvalid, Message: "X."}`, "a chat.Error literal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, problems := checkReasons("m", map[string][]byte{"p/p.go": []byte(header + tc.src + "\n")})
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Errorf("checkReasons(%s) = %q, want a problem with %q", tc.src, problems, tc.want)
			}
		})
	}

	doc := "x\n<!-- reasons:begin -->\n| reason | code |\n|---|---|\n| `chat_ended` | `conflict` |\n| `a`, `b_c` | |\n<!-- reasons:end -->\n| `not_this` | |\n"
	if got, want := documentedReasons([]byte(doc)), []string{"chat_ended", "a", "b_c"}; !slices.Equal(got, want) {
		t.Errorf("documentedReasons = %q, want %q", got, want)
	}

	// Inside package chat, E is called unqualified, and only E itself may
	// build an Error.
	chatSrc := `package chat

type Error struct{ Code, Reason, Message string }

func E(code, reason, template string, params ...any) *Error { return &Error{Code: code, Reason: reason, Message: template} }

var _ = E(EInvalid, "Bad", "X.")
var _ = &Error{Code: EInvalid}
`
	_, calls, problems = checkReasons("m", map[string][]byte{"chat/error.go": []byte(chatSrc)})
	if calls != 1 || len(problems) != 2 || !strings.Contains(problems[0]+problems[1], "snake_case") || !strings.Contains(problems[0]+problems[1], "literal") {
		t.Errorf("checkReasons(package chat) = %d calls, %q; want 1 call and the bad key and the literal", calls, problems)
	}
}
