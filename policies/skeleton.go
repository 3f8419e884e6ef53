package policies

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
	"unicode"
)

// File is one file of a new control.
type File struct {
	Name string
	Data []byte
}

// Skeleton is a new control of a family, from the family's templates
// (lib/FAMILY/new/*.tmpl) in dir, else in the built-in policies: the
// control's Rego with its METADATA, its data.json and its own tests, named
// after the control (id kebab-case, its directory and package snake_case).
func Skeleton(dir fs.FS, family, id string) ([]File, error) {
	root := path.Join("lib", family, "new")
	src := dir
	if _, err := fs.Stat(dir, root); err != nil {
		src = FS
		if _, err := fs.Stat(FS, root); err != nil {
			return nil, fmt.Errorf("no family %q: lib/%s/new holds no skeleton", family, family)
		}
	}
	snake := strings.ReplaceAll(id, "-", "_")
	words := strings.Split(id, "-")
	var camel strings.Builder
	for _, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		camel.WriteString(string(r))
	}
	lower := strings.Join(words, " ")
	fields := map[string]string{
		"ID": id, "Dir": snake, "Name": camel.String(), "Family": family,
		"Lower": lower, "Title": strings.ToUpper(lower[:1]) + lower[1:],
	}
	names := map[string]string{
		"control.rego.tmpl":      snake + ".rego",
		"control_test.rego.tmpl": snake + "_test.rego",
		"data.json.tmpl":         "data.json",
	}
	var out []File
	for _, tmpl := range []string{"control.rego.tmpl", "data.json.tmpl", "control_test.rego.tmpl"} {
		raw, err := fs.ReadFile(src, path.Join(root, tmpl))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		t, err := template.New(tmpl).Option("missingkey=error").Parse(string(raw))
		if err != nil {
			return nil, fmt.Errorf("lib/%s/new/%s: %w", family, tmpl, err)
		}
		var b bytes.Buffer
		if err := t.Execute(&b, fields); err != nil {
			return nil, fmt.Errorf("lib/%s/new/%s: %w", family, tmpl, err)
		}
		out = append(out, File{Name: names[tmpl], Data: b.Bytes()})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("lib/%s/new holds no skeleton", family)
	}
	return out, nil
}
