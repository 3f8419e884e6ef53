package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/trailwatch/trailwatch/internal/fileio"
)

// toStdout reports whether -o names standard output: not given, or "-".
func toStdout(path string) bool { return path == "" || path == "-" }

// checkDashO checks -o before any work: standard output, or a file that
// checkOutput says can be written.
func checkDashO(path string) error {
	if toStdout(path) {
		return nil
	}
	if err := checkOutput(path); err != nil {
		return usageError("-o: %v", err)
	}
	return nil
}

// writeOutput writes what a command made (what names it in an error) to
// -o, atomically, or to standard output.
func writeOutput(path string, data []byte, stdout io.Writer, what string) error {
	if !toStdout(path) {
		return fileio.WriteAtomic(path, data)
	}
	if _, err := stdout.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}

// checkOutput tells, before any work, whether a report or snapshot can be
// written to path: not a directory, and a file can be created beside it (a
// device or FIFO such as /dev/null is written in place and needs no more).
func checkOutput(path string) error {
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("%s is a directory", path)
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		if target, err := filepath.EvalSymlinks(path); err == nil {
			path = target
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".check-*")
	if err != nil {
		return fmt.Errorf("cannot write there: %w", err)
	}
	f.Close()
	return os.Remove(f.Name())
}
