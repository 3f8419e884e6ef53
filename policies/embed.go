// Package policies ships trailwatch's Rego policies in the binary: the
// default set that `trailwatch evaluate` uses when no --policy directory is
// given. One directory per control under controls/, with its unit tests and
// data beside it; helpers shared by controls under lib/.
package policies

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
)

// FS holds the policies: .rego files, their tests, and their data files.
//
//go:embed lib controls
var FS embed.FS

// Export writes the embedded policies into dir, keeping their layout, so
// that an auditor holding only the binary can edit them and run
// `trailwatch evaluate --policy dir`. Existing files are not overwritten.
func Export(dir string) error {
	return fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(path))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}
