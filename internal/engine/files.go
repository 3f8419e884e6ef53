package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/trailwatch/trailwatch/internal/strictjson"
)

// MaxPolicyFile bounds one policy or data file. OPA's loader reads whole
// files; a file past this, or one that is not a regular file (a device such
// as /dev/zero, which never ends, or a FIFO, which may never answer), is
// refused before the loader opens it.
const MaxPolicyFile = 64 << 20

// policyFile tells whether the loader reads a file of this name.
func policyFile(name string, withTests bool) bool {
	if !withTests && strings.HasSuffix(name, "_test.rego") {
		return false
	}
	switch filepath.Ext(name) {
	case ".rego", ".json", ".yaml", ".yml":
		return true
	}
	return false
}

// checkFiles looks at every file the loader would read under root in fsys
// (shown to the user as shown+path): regular, within MaxPolicyFile, and,
// for data, without a key twice in one object (the loader would keep one
// value, and a reviewer reading the file might see the other).
func checkFiles(fsys fs.FS, shown string, withTests bool) []string {
	var problems []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		name := path.Join(shown, p)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s", name, unwrapPath(err)))
			return nil
		}
		if d.IsDir() || !policyFile(d.Name(), withTests) {
			return nil
		}
		info, err := fs.Stat(fsys, p) // follows a symlink to what it names
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s", name, unwrapPath(err)))
			return nil
		}
		if !info.Mode().IsRegular() {
			problems = append(problems, fmt.Sprintf("%s: not a regular file (%s); policies and data are read from regular files", name, info.Mode().Type()))
			return nil
		}
		if info.Size() > MaxPolicyFile {
			problems = append(problems, fmt.Sprintf("%s: %d bytes, more than the %d a policy or data file may have", name, info.Size(), MaxPolicyFile))
			return nil
		}
		ext := filepath.Ext(p)
		if ext == ".rego" {
			return nil
		}
		data, err := readAtMost(fsys, p, MaxPolicyFile)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s", name, unwrapPath(err)))
			return nil
		}
		if msg := duplicateKey(ext, data); msg != "" {
			problems = append(problems, name+":"+msg)
		}
		return nil
	})
	if err != nil {
		problems = append(problems, fmt.Sprintf("%s: %v", shown, err))
	}
	return problems
}

// readAtMost reads a file that must hold no more than limit bytes.
func readAtMost(fsys fs.FS, p string, limit int64) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("more than the %d bytes a policy or data file may have", limit)
	}
	return data, nil
}

// duplicateKey is where a data file holds a key twice in one object, as
// " LINE:COL: message", or "" when it does not (or does not parse, which
// the loader reports with its own position).
func duplicateKey(ext string, data []byte) string {
	if ext == ".json" {
		var dup *strictjson.DuplicateKeyError
		if err := strictjson.CheckDuplicates(data); errors.As(err, &dup) {
			return " " + dup.Error()
		}
		return ""
	}
	// yaml.v3 refuses a mapping key defined twice.
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil && strings.Contains(err.Error(), "already defined") {
		return " " + strings.TrimPrefix(err.Error(), "yaml: ")
	}
	return ""
}

// checkPolicyDirs runs checkFiles on every --policy directory.
func checkPolicyDirs(dirs []string, withTests bool) []string {
	var problems []string
	for _, d := range dirs {
		problems = append(problems, checkFiles(os.DirFS(d), d, withTests)...)
	}
	return problems
}
