// Package fileio owns reading and writing the project's files: bounded
// reads of files and special files (a FIFO or a terminal that nothing
// writes to gives up when the context ends), and atomic writes that follow
// links, write into devices, and leave an earlier file as it was when they
// fail.
package fileio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ReadBounded reads a whole small file (a pattern, messages, a policy)
// within ctx: at most limit bytes whatever the file is, a directory
// refused, and a FIFO or terminal that nothing writes to giving up when ctx
// ends rather than hanging.
func ReadBounded(ctx context.Context, path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("is a directory")}
	}
	if info.Mode().IsRegular() && info.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%d bytes, more than the %d allowed", info.Size(), limit)}
	}
	f, err := Open(ctx, path, info.Mode().IsRegular())
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("more than the %d bytes allowed", limit)}
	}
	return data, nil
}

// BoundedFile is a file read within a context: reads fail once the
// context ends, and a read that waits (a FIFO, a terminal) is woken.
type BoundedFile struct {
	cancellable
	f    *os.File
	stop func() bool
}

func (b *BoundedFile) Close() error {
	b.stop()
	return b.f.Close()
}

// Open opens a file for reading within ctx. A file that is not
// regular is opened without waiting for a writer (O_NONBLOCK), so that a
// FIFO nobody writes to reads as empty rather than hanging; when ctx ends
// the file is closed, which wakes a read that waits.
func Open(ctx context.Context, path string, regular bool) (*BoundedFile, error) {
	flags := os.O_RDONLY
	if !regular {
		flags |= syscall.O_NONBLOCK
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { f.Close() })
	return &BoundedFile{cancellable: cancellable{ctx: ctx, r: f}, f: f, stop: stop}, nil
}

// Reader is r read within ctx: a read fails once ctx ends.
func Reader(ctx context.Context, r io.Reader) io.Reader { return cancellable{ctx: ctx, r: r} }

// cancellable is a reader that stops when its context ends.
type cancellable struct {
	ctx context.Context
	r   io.Reader
}

func (c cancellable) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	if err != nil && c.ctx.Err() != nil {
		return n, c.ctx.Err()
	}
	return n, err
}

// WriteAtomic writes data to path so that a reader never sees half of
// it and a failure leaves an earlier file as it was.
//
// A regular file (or none yet) is replaced through a synced temporary file
// beside it and a rename; an existing file keeps its permissions. A
// symbolic link is followed, and the file it names is replaced, not the
// link. A file that is not regular (a character device such as /dev/null
// or a terminal, a FIFO, /dev/stdout) is written into, as a shell
// redirection would: renaming over it would replace the device with a
// file. A directory is refused.
func WriteAtomic(path string, data []byte) error {
	target, err := resolveLinks(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	info, err := os.Stat(target)
	switch {
	case err == nil && info.IsDir():
		return fmt.Errorf("write %s: is a directory", path)
	case err == nil && !info.Mode().IsRegular():
		return writeInto(path, target, data)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, err)
	}
	mode := fs.FileMode(0o644)
	if err == nil {
		mode = info.Mode().Perm()
	}
	return replace(path, target, data, mode)
}

// resolveLinks follows symbolic links from path to the file they name,
// which need not exist yet.
func resolveLinks(path string) (string, error) {
	for range 40 {
		info, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", errors.New("too many levels of symbolic links")
}

// writeInto writes data into a file that is not regular. A FIFO is opened
// without waiting for a reader: with none, it is an error, not a hang.
func writeInto(path, target string, data []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ENXIO) {
			return fmt.Errorf("write %s: nothing reads from it", path)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// replace writes data to a temporary file beside target, syncs it, and
// renames it over target.
func replace(path, target string, data []byte, mode fs.FileMode) (err error) {
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // make the rename durable; not every file system supports it
		d.Close()
	}
	return nil
}
