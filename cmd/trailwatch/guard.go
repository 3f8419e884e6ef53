package main

import (
	"os"
	"path/filepath"
	"strings"
)

// outputGuard refuses, before any work, a command line whose outputs
// would destroy its inputs or each other: an output that is the same
// file as an input (compared by device and inode where it exists, after
// symlinks), an output inside a policy directory it reads, two outputs
// to one file, and two outputs to standard output.
type outputGuard struct {
	inputs []input
	dirs   []string // policy directories, absolute, symlinks resolved
	outs   []output
	stdout string // the flag that writes standard output, if one does
}

type input struct {
	flag, path string
	info       os.FileInfo
}

type output struct {
	flag, path, resolved string
	info                 os.FileInfo
}

// reads notes input files (a flag's, or the arguments'); "-" and files
// that do not exist are left to the command's own errors.
func (g *outputGuard) reads(flag string, paths ...string) {
	for _, p := range paths {
		if p == "" || p == "-" {
			continue
		}
		if info, err := os.Stat(p); err == nil {
			g.inputs = append(g.inputs, input{flag, p, info})
		}
	}
}

// readsDirs notes directories whose every file is an input (--policy).
func (g *outputGuard) readsDirs(paths ...string) {
	for _, p := range paths {
		if r, err := resolve(p); err == nil {
			g.dirs = append(g.dirs, r)
		}
	}
}

// writes checks one output: "" or "-" is standard output.
func (g *outputGuard) writes(flag, path string) error {
	if path == "" || path == "-" {
		if g.stdout != "" {
			return usageError("%s and %s both write to standard output: give one of them a file", g.stdout, show(flag, "-"))
		}
		g.stdout = show(flag, "-")
		return nil
	}
	resolved, err := resolve(path)
	if err != nil {
		return usageError("%s %s: %v", flag, path, err)
	}
	info, _ := os.Stat(path)
	if info != nil && !info.Mode().IsRegular() && !info.IsDir() {
		// A device or FIFO such as /dev/null is written in place and
		// destroys nothing.
		return nil
	}
	for _, in := range g.inputs {
		if info != nil && os.SameFile(info, in.info) {
			return usageError("%s is the same file as %s, which this command reads: refusing to overwrite it", show(flag, path), show(in.flag, in.path))
		}
	}
	for _, dir := range g.dirs {
		if resolved == dir || strings.HasPrefix(resolved, dir+string(filepath.Separator)) {
			return usageError("%s is inside the policy directory %s: the file written would become a policy input", show(flag, path), dir)
		}
	}
	for _, o := range g.outs {
		if resolved == o.resolved || info != nil && o.info != nil && os.SameFile(info, o.info) {
			return usageError("%s and %s both write to %s: one would be lost", show(o.flag, o.path), show(flag, path), path)
		}
	}
	g.outs = append(g.outs, output{flag, path, resolved, info})
	return nil
}

// show is a flag with its value, as the command line gave it.
func show(flag, path string) string {
	if strings.HasSuffix(flag, "=") {
		return flag + path
	}
	return flag + " " + path
}

// resolve is a path made absolute with its symlinks resolved, as far as
// it exists: a file not yet written is resolved through its directory.
func resolve(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	dir, err := resolve(filepath.Dir(abs))
	if err != nil || filepath.Dir(abs) == abs {
		return abs, nil
	}
	return filepath.Join(dir, filepath.Base(abs)), nil
}
